package dev.flarekv.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Font;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartTest {
  private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  private static Row row(String op) {
    return Row.parse("id\tnginx\t" + op + "\twrk\t16\t1000\t0.1\t0.2\t0.3\t0.4\t1\t0");
  }

  @Test
  void shortLabels_keepTheDefaultColumn() {
    assertThat(Chart.labelColumnWidth(List.of(row("GET")), FONT)).isEqualTo(330);
  }

  @Test
  void aLongLabel_widensTheColumnAndTheImage(@TempDir Path dir) throws Exception {
    Row longRow = row("static GET at flarekv's read half peak, 43301/s open loop, and then some");
    int column = Chart.labelColumnWidth(List.of(row("GET"), longRow), FONT);
    assertThat(column).isGreaterThan(330);

    Path narrow = dir.resolve("narrow.png");
    Path wide = dir.resolve("wide.png");
    Chart.write(List.of(row("GET")), "t", narrow);
    Chart.write(List.of(row("GET"), longRow), "t", wide);
    BufferedImage n = ImageIO.read(narrow.toFile());
    BufferedImage w = ImageIO.read(wide.toFile());
    assertThat(w.getWidth() - n.getWidth()).isEqualTo(column - 330);
  }
}
