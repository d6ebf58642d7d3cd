// A writable that keeps what the demo prints, so tests stay quiet and can read it.
import { Writable } from 'node:stream';

export interface CapturedOutput extends Writable {
  text(): string;
}

export function captureOutput(): CapturedOutput {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return Object.assign(out, { text: () => text });
}
