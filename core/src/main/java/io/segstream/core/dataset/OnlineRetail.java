package io.segstream.core.dataset;

import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.OrderLine;
import io.segstream.schemas.OrderStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Replays the UCI Online Retail CSV as {@link OrderEvent}s, one per invoice, in event-time order.
 *
 * <ul>
 *   <li>Invoices starting with {@code C} are cancellations of delivered goods: RETURNED events.
 *   <li>Invoices starting with {@code A} (bad-debt adjustments) are skipped and counted.
 *   <li>Rows without a CustomerID (guests) are skipped and counted.
 *   <li>Non-product lines (postage, carriage, discounts, fees, manual adjustments, samples, gift
 *       vouchers, charity) do not describe what the customer likes: they are left out of the lines
 *       and counted, and an invoice with only such lines is skipped.
 *   <li>Lines with a zero quantity or a non-positive price are skipped and counted.
 *   <li>A row that does not parse is reported with its line number and skipped; never fatal.
 * </ul>
 *
 * Times are UK local time in the file and are read in Europe/London.
 */
public final class OnlineRetail {

    static final Set<String> NON_PRODUCT_CODES =
            Set.of(
                    "POST",
                    "DOT",
                    "M",
                    "D",
                    "C2",
                    "S",
                    "B",
                    "CRUK",
                    "BANK CHARGES",
                    "AMAZONFEE",
                    "PADS");
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    /** What a replay read and what it left out, and why. */
    public record Report(
            long rows,
            int invoices,
            long guestRows,
            long nonProductLines,
            long invalidLines,
            long badDebtRows,
            List<String> badRows) {}

    /** The replayed orders, sorted by event time, and the report. */
    public record Replay(List<OrderEvent> orders, Report report) {}

    private OnlineRetail() {}

    public static boolean isNonProduct(String stockCode) {
        String code = stockCode.trim().toUpperCase(Locale.ROOT);
        return NON_PRODUCT_CODES.contains(code)
                || code.startsWith("GIFT_0001")
                || code.startsWith("DCGS");
    }

    public static Replay read(Path csv) throws IOException {
        Map<String, OrderEvent> invoices = new LinkedHashMap<>();
        long rows = 0;
        long guests = 0;
        long nonProduct = 0;
        long invalid = 0;
        long badDebt = 0;
        List<String> badRows = new ArrayList<>();
        try (BufferedReader reader = ProductTitles.open(csv)) {
            CSVFormat format =
                    CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
            for (CSVRecord row : format.parse(reader)) {
                rows++;
                try {
                    String invoice = row.get("InvoiceNo").trim();
                    String customer = row.get("CustomerID").trim();
                    if (customer.isEmpty()) {
                        guests++;
                        continue;
                    }
                    if (invoice.startsWith("A")) {
                        badDebt++;
                        continue;
                    }
                    String code = row.get("StockCode");
                    if (isNonProduct(code)) {
                        nonProduct++;
                        continue;
                    }
                    int quantity = Integer.parseInt(row.get("Quantity").trim());
                    double price = Double.parseDouble(row.get("UnitPrice").trim());
                    if (quantity == 0 || !(price > 0)) {
                        invalid++;
                        continue;
                    }
                    long time =
                            LocalDateTime.parse(row.get("InvoiceDate").trim(), TIME)
                                    .atZone(LONDON)
                                    .toInstant()
                                    .toEpochMilli();
                    boolean cancellation = invoice.startsWith("C");
                    OrderEvent order =
                            invoices.computeIfAbsent(
                                    invoice,
                                    id ->
                                            OrderEvent.newBuilder()
                                                    .setOrderId(id)
                                                    .setUserId(customer)
                                                    .setEventTime(
                                                            java.time.Instant.ofEpochMilli(time))
                                                    .setStatus(
                                                            cancellation
                                                                    ? OrderStatus.RETURNED
                                                                    : OrderStatus.PLACED)
                                                    .setCountry(row.get("Country"))
                                                    .setLines(new ArrayList<>())
                                                    .build());
                    String title = row.get("Description").trim();
                    order.getLines()
                            .add(
                                    OrderLine.newBuilder()
                                            .setProductId(code.trim())
                                            .setTitle(title.isEmpty() ? null : title)
                                            .setCategory(null)
                                            .setQuantity(Math.abs(quantity))
                                            .setUnitPrice(price)
                                            .setCurrency("GBP")
                                            .build());
                } catch (RuntimeException e) {
                    invalid++;
                    if (badRows.size() < 100) {
                        badRows.add("line " + (row.getRecordNumber() + 1) + ": " + e.getMessage());
                    }
                }
            }
        }
        List<OrderEvent> orders = new ArrayList<>(invoices.values());
        orders.sort(
                Comparator.comparing(OrderEvent::getEventTime)
                        .thenComparing(OrderEvent::getOrderId));
        return new Replay(
                orders,
                new Report(rows, orders.size(), guests, nonProduct, invalid, badDebt, badRows));
    }
}
