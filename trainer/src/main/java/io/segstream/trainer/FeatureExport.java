package io.segstream.trainer;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Writes the trainer's feature matrix as CSV (user id, scaled features, segment). */
public final class FeatureExport {

    private FeatureExport() {}

    public static void write(
            Path file,
            List<String> users,
            List<String> names,
            List<double[]> points,
            int[] segments)
            throws IOException {
        String[] header = new String[names.size() + 2];
        header[0] = "user_id";
        for (int j = 0; j < names.size(); j++) {
            header[j + 1] = names.get(j);
        }
        header[header.length - 1] = "segment";
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                CSVPrinter csv = CSVFormat.DEFAULT.builder().setHeader(header).get().print(w)) {
            for (int i = 0; i < users.size(); i++) {
                Object[] row = new Object[header.length];
                row[0] = users.get(i);
                double[] x = points.get(i);
                for (int j = 0; j < x.length; j++) {
                    row[j + 1] = String.format(Locale.ROOT, "%.6g", x[j]);
                }
                row[row.length - 1] = segments[i];
                csv.printRecord(row);
            }
        }
    }
}
