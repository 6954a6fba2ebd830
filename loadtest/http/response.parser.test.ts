import { describe, expect, it } from 'vitest';
import { ResponseParser } from './response.parser';

const ok = (body: string, extra = '') =>
  `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const chunked = (parts: string[], status = 200) =>
  `HTTP/1.1 ${status} X\r\nTransfer-Encoding: chunked\r\n\r\n${parts
    .map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`)
    .join('')}0\r\n\r\n`;

function parse(input: string, splitEvery = 0, bodiless = false) {
  const statuses: number[] = [];
  const parser = new ResponseParser((s) => statuses.push(s), bodiless);
  const buf = Buffer.from(input);
  if (splitEvery === 0) parser.feed(buf);
  else for (let i = 0; i < buf.length; i += splitEvery) parser.feed(buf.subarray(i, i + splitEvery));
  return { statuses, parser };
}

describe('ResponseParser', () => {
  it('finds the end of Content-Length responses, pipelined in one chunk', () => {
    const input = ok('{"status":"ok"}') + ok('') + ok('x'.repeat(5000)).replace('200 OK', '503 Busy');
    expect(parse(input).statuses).toEqual([200, 200, 503]);
  });

  it('handles any split, down to one byte at a time', () => {
    const input = ok('hello') + chunked(['ab', 'cdef'], 201) + ok('x');
    for (const split of [1, 2, 3, 7, 16, 64]) expect(parse(input, split).statuses).toEqual([200, 201, 200]);
  });

  it('reads chunked bodies with extensions and trailers, and hex sizes', () => {
    const body = 'y'.repeat(300);
    const withExt = `HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n12C;name=v\r\n${body}\r\n0\r\nX-Trailer: 1\r\n\r\n`;
    expect(parse(withExt + ok('z'), 5).statuses).toEqual([200, 200]);
  });

  it('completes bodiless responses at the header end', () => {
    const noContent = 'HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n';
    expect(parse(noContent + ok('a')).statuses).toEqual([204, 200]);
    // A HEAD response announces a length but carries no body.
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n';
    expect(parse(head + head, 0, true).statuses).toEqual([200, 200]);
  });

  it('skips interim 1xx responses and reads to close when there is no length', () => {
    expect(parse(`HTTP/1.1 100 Continue\r\n\r\n${ok('a')}`).statuses).toEqual([200]);
    const { statuses, parser } = parse('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsome body');
    expect(statuses).toEqual([]);
    expect(parser.readsUntilClose).toBe(true);
    parser.end();
    expect(statuses).toEqual([200]);
  });
});
