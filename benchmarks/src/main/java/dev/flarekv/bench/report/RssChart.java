package dev.flarekv.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/** A PNG of the server's RSS over time in the rss part of scale, with the stated bound. */
final class RssChart {
  private RssChart() {}

  static void write(JsonNode rss, String title, Path png) throws IOException {
    int width = 900;
    int height = 420;
    int left = 80;
    int right = 30;
    int top = 60;
    int bottom = 60;
    JsonNode samples = rss.path("samples");
    double maxT = 1;
    double maxY = 1;
    for (JsonNode s : samples) {
      maxT = Math.max(maxT, s.path("t").asDouble());
      maxY = Math.max(maxY, Math.max(s.path("rssMiB").asDouble(), s.path("hwmMiB").asDouble()));
    }
    double bound = rss.path("bound").path("totalMiB").asDouble(0);
    maxY = Math.max(maxY, bound) * 1.08;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = Chart.titled(img, title, 16);
    try {
      int pw = width - left - right;
      int ph = height - top - bottom;
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      for (int i = 0; i <= 5; i++) {
        int y = top + ph - ph * i / 5;
        g.setColor(new Color(0xe0e0e0));
        g.drawLine(left, y, left + pw, y);
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format(Locale.ROOT, "%,.0f MiB", maxY * i / 5), 8, y + 4);
      }
      for (int i = 0; i <= 6; i++) {
        int x = left + pw * i / 6;
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format(Locale.ROOT, "%.0f s", maxT * i / 6), x - 10, top + ph + 16);
      }
      // phase labels where each phase begins
      String phase = "";
      for (JsonNode s : samples) {
        String p = s.path("phase").asText();
        if (!p.equals(phase) && !p.equals("idle")) {
          phase = p;
          int x = left + (int) (pw * s.path("t").asDouble() / maxT);
          g.setColor(new Color(0x9e9e9e));
          g.drawLine(x, top, x, top + ph);
          g.drawString(p, x + 3, top + 12);
        }
      }
      if (bound > 0) {
        int y = top + ph - (int) (ph * bound / maxY);
        g.setColor(new Color(0xc62828));
        g.setStroke(
            new BasicStroke(
                1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        g.drawLine(left, y, left + pw, y);
        g.drawString(String.format(Locale.ROOT, "bound %,.0f MiB", bound), left + pw - 130, y - 4);
      }
      drawLine(g, samples, "hwmMiB", new Color(0x90caf9), left, top, pw, ph, maxT, maxY);
      drawLine(g, samples, "rssMiB", new Color(0xf38020), left, top, pw, ph, maxT, maxY);
      g.setStroke(new BasicStroke(1f));
      g.setColor(new Color(0xf38020));
      g.fillRect(left, height - 22, 14, 4);
      g.setColor(Color.BLACK);
      g.drawString("VmRSS", left + 18, height - 16);
      g.setColor(new Color(0x90caf9));
      g.fillRect(left + 80, height - 22, 14, 4);
      g.setColor(Color.BLACK);
      g.drawString("VmHWM", left + 98, height - 16);
    } finally {
      g.dispose();
    }
    ImageIO.write(img, "png", png.toFile());
  }

  private static void drawLine(
      Graphics2D g,
      JsonNode samples,
      String field,
      Color color,
      int left,
      int top,
      int pw,
      int ph,
      double maxT,
      double maxY) {
    Path2D.Double path = new Path2D.Double();
    boolean first = true;
    for (JsonNode s : samples) {
      double x = left + pw * s.path("t").asDouble() / maxT;
      double y = top + ph - ph * s.path(field).asDouble() / maxY;
      if (first) {
        path.moveTo(x, y);
        first = false;
      } else {
        path.lineTo(x, y);
      }
    }
    g.setColor(color);
    g.setStroke(new BasicStroke(2f));
    g.draw(path);
  }
}
