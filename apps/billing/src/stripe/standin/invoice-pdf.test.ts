import { describe, expect, it } from 'vitest';
import { textPdf } from './invoice-pdf.js';

describe('textPdf', () => {
  const pdf = textPdf('Invoice', ['Amount due: $8.00', 'A (bracketed) back\\slash', 'Café']).toString('latin1');

  it('points each cross-reference entry at the object it names, and startxref at the table', () => {
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(pdf)?.[1]);
    expect(pdf.slice(startxref, startxref + 4)).toBe('xref');
    const offsets = [...pdf.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((match) => Number(match[1]));
    expect(offsets).toHaveLength(5);
    offsets.forEach((offset, index) => {
      expect(pdf.slice(offset).startsWith(`${index + 1} 0 obj`)).toBe(true);
    });
  });

  it('declares the content stream length in bytes and escapes text for PDF strings', () => {
    const match = /<< \/Length (\d+) >>\nstream\n([\s\S]*?)\nendstream/.exec(pdf);
    expect(Number(match?.[1])).toBe(Buffer.byteLength(match?.[2] ?? '', 'latin1'));
    expect(pdf).toContain('(A \\(bracketed\\) back\\\\slash) Tj');
    expect(pdf).toContain('(Caf?) Tj');
  });
});
