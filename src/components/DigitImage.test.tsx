import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { DigitImage } from './DigitImage';

describe('DigitImage', () => {
  it('is an image named by its label, whose BMP holds the ink inverted (dark ink on white), top row first', () => {
    const pixels = new Array(784).fill(0);
    pixels[0] = 255; // the top-left pixel: full ink
    pixels[783] = 100; // the bottom-right one
    const html = renderToStaticMarkup(<DigitImage pixels={pixels} label="true: 7" size={64} />);
    expect(html).toContain('alt="true: 7"');
    expect(html).toContain('width:64px');
    const src = /src="data:image\/bmp;base64,([^"]+)"/.exec(html)?.[1];
    expect(src).toBeDefined();
    const bytes = Uint8Array.from(atob(src!), (c) => c.charCodeAt(0));
    // BMP rows are stored bottom-up from byte 1078: the image's top row is the file's last.
    expect(bytes[1078 + 27 * 28]).toBe(0); // top-left: 255 - 255
    expect(bytes[1078 + 27]).toBe(155); // bottom-right: 255 - 100
    expect(bytes[1078 + 1]).toBe(255); // no ink: white
  });
});
