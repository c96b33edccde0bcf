package io.segstream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The {@code --dataset KIND FILE} option of the demo and the trainer, checked. */
final class DatasetOption {

    private DatasetOption() {}

    /**
     * The file of {@code --dataset online-retail FILE}.
     *
     * @param otherwise what the command does without --dataset, for the error message
     */
    static Path onlineRetailFile(List<String> dataset, String otherwise) {
        if (!dataset.get(0).equals("online-retail")) {
            throw new IllegalArgumentException(
                    "Unknown data set kind '"
                            + dataset.get(0)
                            + "'. Supported: online-retail; "
                            + otherwise);
        }
        Path file = Path.of(dataset.get(1));
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "Data file "
                            + file
                            + " not found. Pass the Online Retail CSV (plain or .gz), e.g. "
                            + "--dataset online-retail ../shared/data/online_retail/online_retail_dev.csv.gz");
        }
        return file;
    }
}
