const CR = 13;
const LF = 10;
const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = Buffer.from('content-length:');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding:');
const CHUNKED = Buffer.from('chunked');

enum State {
  Head,
  Body,
  ChunkSize,
  ChunkExtension,
  ChunkData,
  ChunkDataEnd,
  Trailer,
  UntilClose,
}

/** Case-insensitive match of lower-case ASCII `word` at `at`. */
function matchesAt(buf: Buffer, at: number, end: number, word: Buffer): boolean {
  if (end - at < word.length) return false;
  for (let i = 0; i < word.length; i++) {
    if ((buf[at + i]! | 0x20) !== word[i]) return false;
  }
  return true;
}

/**
 * A minimal HTTP/1.1 response reader for the max-rate mode: finds where each response ends
 * (Content-Length, chunked or bodiless) and reports its status, without building header objects or
 * strings. Pipelined responses in one chunk and responses split over many chunks both work.
 */
export class ResponseParser {
  private state = State.Head;
  private status = 0;
  private remaining = 0;
  private lineLength = 0;
  private partial: Buffer | undefined;

  constructor(
    private readonly onResponse: (status: number) => void,
    /** Responses to HEAD requests carry headers only. */
    private readonly bodiless = false,
  ) {}

  /** True while a response without length is waiting for the connection to close. */
  get readsUntilClose(): boolean {
    return this.state === State.UntilClose;
  }

  /** The connection closed: a body without length ends here. */
  end(): void {
    if (this.state === State.UntilClose) this.complete();
    this.reset();
  }

  reset(): void {
    this.state = State.Head;
    this.partial = undefined;
  }

  feed(chunk: Buffer): void {
    let buf = chunk;
    if (this.partial) {
      buf = Buffer.concat([this.partial, chunk]);
      this.partial = undefined;
    }
    let pos = 0;
    const end = buf.length;
    while (pos < end) {
      switch (this.state) {
        case State.Head: {
          const headEnd = buf.indexOf(HEAD_END, pos);
          if (headEnd < 0) {
            this.partial = Buffer.from(buf.subarray(pos));
            return;
          }
          this.head(buf, pos, headEnd);
          pos = headEnd + 4;
          break;
        }
        case State.Body: {
          const take = Math.min(this.remaining, end - pos);
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case State.ChunkSize: {
          const c = buf[pos++]!;
          if (c === LF) {
            if (this.remaining === 0) {
              this.state = State.Trailer;
              this.lineLength = 0;
            } else {
              this.state = State.ChunkData;
            }
          } else if (c === 59 /* ; */ || c === 32) {
            this.state = State.ChunkExtension;
          } else if (c !== CR) {
            const digit = c <= 57 ? c - 48 : (c | 0x20) - 87;
            this.remaining = this.remaining * 16 + digit;
          }
          break;
        }
        case State.ChunkExtension: {
          const lf = buf.indexOf(LF, pos);
          if (lf < 0) return;
          pos = lf;
          this.state = State.ChunkSize;
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, end - pos);
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.state = State.ChunkDataEnd;
            this.lineLength = 2;
          }
          break;
        }
        case State.ChunkDataEnd: {
          pos++;
          if (--this.lineLength === 0) this.state = State.ChunkSize;
          break;
        }
        case State.Trailer: {
          const c = buf[pos++]!;
          if (c === LF) {
            if (this.lineLength === 0) this.complete();
            else this.lineLength = 0;
          } else if (c !== CR) {
            this.lineLength++;
          }
          break;
        }
        case State.UntilClose:
          return;
      }
    }
  }

  private head(buf: Buffer, start: number, headEnd: number): void {
    // "HTTP/1.1 200 OK": the status code is always at bytes 9–11.
    this.status = (buf[start + 9]! - 48) * 100 + (buf[start + 10]! - 48) * 10 + (buf[start + 11]! - 48);
    let length = -1;
    let chunked = false;
    let line = buf.indexOf(LF, start) + 1;
    while (line > 0 && line < headEnd) {
      const next = buf.indexOf(LF, line);
      const lineEnd = next < 0 || next > headEnd ? headEnd : next - 1;
      if (matchesAt(buf, line, lineEnd, CONTENT_LENGTH)) {
        length = 0;
        for (let i = line + CONTENT_LENGTH.length; i < lineEnd; i++) {
          const c = buf[i]!;
          if (c >= 48 && c <= 57) length = length * 10 + (c - 48);
        }
      } else if (matchesAt(buf, line, lineEnd, TRANSFER_ENCODING)) {
        let last = lineEnd;
        while (last > line && (buf[last - 1] === 32 || buf[last - 1] === CR)) last--;
        chunked = matchesAt(buf, last - CHUNKED.length, last, CHUNKED);
      }
      line = next < 0 ? -1 : next + 1;
    }
    if (this.status < 200) return; // 1xx is interim: the real response follows.
    if (this.bodiless || this.status === 204 || this.status === 304) {
      this.complete();
    } else if (chunked) {
      this.state = State.ChunkSize;
      this.remaining = 0;
    } else if (length >= 0) {
      this.remaining = length;
      if (length === 0) this.complete();
      else this.state = State.Body;
    } else {
      this.state = State.UntilClose;
    }
  }

  private complete(): void {
    this.state = State.Head;
    this.onResponse(this.status);
  }
}
