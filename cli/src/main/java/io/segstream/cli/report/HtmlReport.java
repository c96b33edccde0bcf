package io.segstream.cli.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the report as one self-contained HTML file: the data as JSON and the ECharts library
 * inlined, so the page opens offline and loads nothing from the network.
 */
public final class HtmlReport {

    private static final String TEMPLATE = "report.html";
    private static final String ECHARTS =
            "/META-INF/resources/webjars/echarts/" + echartsVersion() + "/dist/echarts.min.js";

    private HtmlReport() {}

    public static void write(ReportData data, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(data), StandardCharsets.UTF_8);
    }

    static String render(ReportData data) throws IOException {
        // "</" inside a script element would end it early
        String json = new ObjectMapper().writeValueAsString(data).replace("</", "<\\/");
        return resource(HtmlReport.class, TEMPLATE)
                .replace("/*ECHARTS*/", resource(HtmlReport.class, ECHARTS))
                .replace("/*DATA*/", json)
                .replace("{{title}}", escape(data.title()));
    }

    private static String resource(Class<?> anchor, String name) throws IOException {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + name + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String echartsVersion() {
        try (InputStream in =
                HtmlReport.class.getResourceAsStream(
                        "/META-INF/maven/org.webjars.npm/echarts/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("The echarts webjar is not on the classpath");
            }
            var p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
