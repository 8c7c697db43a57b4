import { type Canvas, type Shape, smoothstep } from './canvas.js';
import type { Color } from './palette.js';
import type { Rng } from './random.js';

// The shapes the procedural painter layers. Each one touches only the pixels of its bounding box.

/** A disk with a soft edge. */
export function disk(cx: number, cy: number, r: number, soft: number, color: Color, alpha: number): Shape {
  return (canvas) => {
    const [x0, x1] = canvas.span(cx - r - soft, cx + r + soft);
    const [y0, y1] = canvas.span(cy - r - soft, cy + r + soft);
    for (let y = y0; y < y1; y++) {
      const v = (y + 0.5) / canvas.size - cy;
      for (let x = x0; x < x1; x++) {
        const u = (x + 0.5) / canvas.size - cx;
        const coverage = 1 - smoothstep(r - soft, r + soft, Math.sqrt(u * u + v * v));
        if (coverage > 0) canvas.blend(y * canvas.size + x, color, alpha * coverage);
      }
    }
  };
}

export function ring(cx: number, cy: number, r: number, width: number, color: Color, alpha: number): Shape {
  return (canvas) => {
    const outer = r + width + 0.004;
    const [x0, x1] = canvas.span(cx - outer, cx + outer);
    const [y0, y1] = canvas.span(cy - outer, cy + outer);
    const edge = 1.5 / canvas.size;
    for (let y = y0; y < y1; y++) {
      const v = (y + 0.5) / canvas.size - cy;
      for (let x = x0; x < x1; x++) {
        const u = (x + 0.5) / canvas.size - cx;
        const distance = Math.abs(Math.sqrt(u * u + v * v) - r);
        const coverage = 1 - smoothstep(width - edge, width + edge, distance);
        if (coverage > 0) canvas.blend(y * canvas.size + x, color, alpha * coverage);
      }
    }
  };
}

/** A rotated rectangle with rounded corners, drawn from its signed distance. */
export function panel(
  cx: number,
  cy: number,
  halfWidth: number,
  halfHeight: number,
  angle: number,
  color: Color,
  alpha: number,
): Shape {
  return (canvas) => {
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const reachX = Math.abs(halfWidth * cos) + Math.abs(halfHeight * sin) + 0.004;
    const reachY = Math.abs(halfWidth * sin) + Math.abs(halfHeight * cos) + 0.004;
    const [x0, x1] = canvas.span(cx - reachX, cx + reachX);
    const [y0, y1] = canvas.span(cy - reachY, cy + reachY);
    const corner = Math.min(halfWidth, halfHeight) * 0.2;
    const edge = 1.5 / canvas.size;
    for (let y = y0; y < y1; y++) {
      const v = (y + 0.5) / canvas.size - cy;
      for (let x = x0; x < x1; x++) {
        const u = (x + 0.5) / canvas.size - cx;
        const qx = Math.abs(u * cos + v * sin) - halfWidth + corner;
        const qy = Math.abs(-u * sin + v * cos) - halfHeight + corner;
        const outsideX = Math.max(qx, 0);
        const outsideY = Math.max(qy, 0);
        const distance = Math.sqrt(outsideX * outsideX + outsideY * outsideY) + Math.min(Math.max(qx, qy), 0) - corner;
        const coverage = 1 - smoothstep(-edge, edge, distance);
        if (coverage > 0) canvas.blend(y * canvas.size + x, color, alpha * coverage);
      }
    }
  };
}

/**
 * Opaque ground below a wavy skyline (sums of sines), shaded towards the bottom. Only the
 * anti-aliased edge blends with what is behind; below it pixels are written outright.
 */
export function ridge(
  level: number,
  amplitude: number,
  frequency: number,
  random: Rng,
  color: Color,
  harmonics: number,
): Shape {
  const waves = Array.from({ length: harmonics }, (_, k) => ({
    amplitude: amplitude / (k + 1) ** 1.5,
    frequency: frequency * (k + 1) * (0.8 + random() * 0.4),
    phase: random() * Math.PI * 2,
  }));
  return (canvas) => {
    const { size, data } = canvas;
    const edge = 1.5 / size;
    const [r, g, b] = color;
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size;
      let top = level;
      for (const wave of waves) top += wave.amplitude * Math.sin(u * wave.frequency * Math.PI * 2 + wave.phase);
      const [y0] = canvas.span(top - edge, 1);
      for (let y = y0; y < size; y++) {
        const v = (y + 0.5) / size;
        // Darker with depth below the skyline, down to 55% at half the canvas's height.
        const shade = 1 - 0.45 * Math.min(1, (v - top) * 2);
        const pixel = y * size + x;
        if (v < top + edge) {
          canvas.blend(pixel, [r * shade, g * shade, b * shade], smoothstep(top - edge, top + edge, v));
        } else {
          data[pixel * 3] = r * shade;
          data[pixel * 3 + 1] = g * shade;
          data[pixel * 3 + 2] = b * shade;
        }
      }
    }
  };
}

/** Additive light falling off from a point. */
export function glow(cx: number, cy: number, radius: number, color: Color): Shape {
  return (canvas) => {
    const [x0, x1] = canvas.span(cx - radius, cx + radius);
    const [y0, y1] = canvas.span(cy - radius, cy + radius);
    const data = canvas.data;
    for (let y = y0; y < y1; y++) {
      const v = (y + 0.5) / canvas.size - cy;
      for (let x = x0; x < x1; x++) {
        const u = (x + 0.5) / canvas.size - cx;
        const falloff = 1 - Math.sqrt(u * u + v * v) / radius;
        if (falloff <= 0) continue;
        const light = falloff * falloff * 0.5;
        const i = (y * canvas.size + x) * 3;
        data[i] = data[i]! + color[0] * light;
        data[i + 1] = data[i + 1]! + color[1] * light;
        data[i + 2] = data[i + 2]! + color[2] * light;
      }
    }
  };
}

export function paintStars(canvas: Canvas, random: Rng): void {
  const count = 120 + Math.floor(random() * 120);
  const white: Color = [1, 1, 0.95];
  for (let i = 0; i < count; i++) {
    disk(random(), random() * 0.6, 0.001 + random() * 0.002, 0.001, white, 0.5 + random() * 0.5)(canvas);
  }
}

export function paintVignette(canvas: Canvas, strength: number): void {
  const { size, data } = canvas;
  for (let y = 0; y < size; y++) {
    const v = (y + 0.5) / size - 0.5;
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size - 0.5;
      const factor = 1 - strength * smoothstep(0.25, 0.75, Math.sqrt(u * u + v * v));
      const i = (y * size + x) * 3;
      data[i] = data[i]! * factor;
      data[i + 1] = data[i + 1]! * factor;
      data[i + 2] = data[i + 2]! * factor;
    }
  }
}
