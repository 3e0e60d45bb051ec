package dev.flarekv.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A PNG with one row per figure: throughput as a bar (left) and the latency percentiles on a
 * logarithmic millisecond axis (right). Plain java.awt in headless mode; no chart library.
 */
final class Chart {
  private static final Color[] PERCENTILE_COLORS = {
    new Color(0x2e7d32), new Color(0x1565c0), new Color(0xef6c00), new Color(0xc62828)
  };
  private static final String[] PERCENTILE_NAMES = {"p50", "p90", "p99", "p99.9"};
  private static final Color FLAREKV = new Color(0xf38020);
  private static final Color OTHER = new Color(0x607d8b);

  private Chart() {}

  /** At least 330 px, and wide enough for the longest label, so no label runs into the bars. */
  static int labelColumnWidth(List<Row> rows, Font font) {
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scratch.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      FontMetrics fm = g.getFontMetrics(font);
      int widest = rows.stream().mapToInt(r -> fm.stringWidth(r.label())).max().orElse(0);
      return Math.max(330, widest + 16);
    } finally {
      g.dispose();
    }
  }

  /**
   * Starts drawing on {@code img}: antialiased, a white background and {@code title} in bold at the
   * top left. The caller disposes of the graphics.
   */
  static Graphics2D titled(BufferedImage img, String title, int titleSize) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, titleSize));
    g.drawString(title, 20, 28);
    return g;
  }

  static void write(List<Row> rows, String title, Path png) throws IOException {
    Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    int labelW = labelColumnWidth(rows, labelFont);
    int panelW = 470;
    int gap = 40;
    int rowH = 30;
    int top = 80;
    int bottom = 70;
    int width = 20 + labelW + panelW + gap + panelW + 30;
    int height = top + rows.size() * rowH + bottom;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = titled(img, title, 18);
    try {

      int x1 = 20 + labelW;
      int x2 = x1 + panelW + gap;
      int plotBottom = top + rows.size() * rowH;
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
      g.drawString("throughput (requests/s)", x1, top - 18);
      g.drawString("latency percentiles (ms, log scale)", x2, top - 18);

      // throughput panel
      double maxRps =
          rows.stream().mapToDouble(Row::rps).filter(d -> !Double.isNaN(d)).max().orElse(1);
      double rpsScale = niceCeil(maxRps);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      for (int t = 0; t <= 4; t++) {
        double v = rpsScale * t / 4;
        int x = x1 + (int) (panelW * t / 4.0);
        g.setColor(new Color(0xe0e0e0));
        g.drawLine(x, top, x, plotBottom);
        g.setColor(Color.DARK_GRAY);
        drawCentered(g, Row.fmt(v, 0), x, plotBottom + 16);
      }
      // latency panel: decades from 0.01 ms up to cover the largest value
      double maxLat =
          rows.stream()
              .flatMap(r -> r.percentiles().stream())
              .mapToDouble(Double::doubleValue)
              .filter(d -> !Double.isNaN(d) && d > 0)
              .max()
              .orElse(1);
      double minLat =
          rows.stream()
              .flatMap(r -> r.percentiles().stream())
              .mapToDouble(Double::doubleValue)
              .filter(d -> !Double.isNaN(d) && d > 0)
              .min()
              .orElse(0.01);
      int loDecade = (int) Math.floor(Math.log10(Math.max(minLat, 0.001)));
      int hiDecade = Math.max(loDecade + 1, (int) Math.ceil(Math.log10(maxLat)));
      for (int d = loDecade; d <= hiDecade; d++) {
        int x = x2 + (int) (panelW * (d - loDecade) / (double) (hiDecade - loDecade));
        g.setColor(new Color(0xe0e0e0));
        g.drawLine(x, top, x, plotBottom);
        g.setColor(Color.DARK_GRAY);
        double v = Math.pow(10, d);
        drawCentered(g, v >= 1 ? Row.fmt(v, 0) : Row.fmt(v, -d), x, plotBottom + 16);
      }

      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        int y = top + i * rowH;
        int mid = y + rowH / 2;
        if (i % 2 == 0) {
          g.setColor(new Color(0xf7f7f7));
          g.fillRect(20, y, width - 40, rowH);
        }
        g.setFont(labelFont);
        g.setColor(Color.BLACK);
        g.drawString(r.label(), 24, mid + 4);
        if (!Double.isNaN(r.rps())) {
          int w = (int) Math.max(1, panelW * r.rps() / rpsScale);
          g.setColor(r.system().startsWith("flarekv") ? FLAREKV : OTHER);
          g.fill(new Rectangle2D.Double(x1, y + 6, w, rowH - 12));
          g.setColor(Color.BLACK);
          String text = Row.fmt(r.rps(), 0);
          int tw = g.getFontMetrics().stringWidth(text);
          int tx = x1 + w + 4 + tw > x1 + panelW ? x1 + w - tw - 4 : x1 + w + 4;
          g.setColor(tx < x1 + w ? Color.WHITE : Color.BLACK);
          g.drawString(text, tx, mid + 4);
        }
        g.setColor(new Color(0xbdbdbd));
        g.setStroke(new BasicStroke(1f));
        g.drawLine(x2, mid, x2 + panelW, mid);
        List<Double> ps = r.percentiles();
        for (int p = 0; p < ps.size(); p++) {
          double v = ps.get(p);
          if (Double.isNaN(v) || v <= 0) {
            continue;
          }
          double pos = (Math.log10(v) - loDecade) / (hiDecade - loDecade);
          double x = x2 + panelW * Math.max(0, Math.min(1, pos));
          g.setColor(PERCENTILE_COLORS[p]);
          g.fill(new Ellipse2D.Double(x - 5, mid - 5, 10, 10));
        }
      }
      // legend
      int lx = x2;
      int ly = height - 22;
      g.setFont(labelFont);
      for (int p = 0; p < PERCENTILE_NAMES.length; p++) {
        g.setColor(PERCENTILE_COLORS[p]);
        g.fill(new Ellipse2D.Double(lx, ly - 9, 10, 10));
        g.setColor(Color.BLACK);
        g.drawString(PERCENTILE_NAMES[p], lx + 14, ly);
        lx += 70;
      }
      g.setColor(FLAREKV);
      g.fillRect(x1, ly - 10, 14, 12);
      g.setColor(Color.BLACK);
      g.drawString("flarekv", x1 + 18, ly);
      g.setColor(OTHER);
      g.fillRect(x1 + 80, ly - 10, 14, 12);
      g.setColor(Color.BLACK);
      g.drawString("others", x1 + 98, ly);
    } finally {
      g.dispose();
    }
    ImageIO.write(img, "png", png.toFile());
  }

  private static void drawCentered(Graphics2D g, String s, int x, int y) {
    FontMetrics fm = g.getFontMetrics();
    g.drawString(s, x - fm.stringWidth(s) / 2, y);
  }

  /** 1, 2, 2.5 or 5 times a power of ten, at or above v. */
  private static double niceCeil(double v) {
    if (v <= 0) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }
}
