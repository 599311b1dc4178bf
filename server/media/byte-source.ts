import { open, type FileHandle } from 'node:fs/promises'

// Small enough that the garbage of a 1 GiB rewrite stays well under the 64 MB memory budget
// (bench/upload.mjs: 1 MiB reads peaked at 63 MB), large enough for few reads.
const READ_SIZE = 256 * 1024

/**
 * The bytes of several files read as one stream, a quarter megabyte at a time: a recording of many
 * chunks is walked without ever being held whole in memory.
 */
export class ByteSource {
  private buffer: Buffer = Buffer.alloc(0)
  private file: FileHandle | null = null
  private next = 0
  /** How many bytes have been consumed from the start of the first file. */
  offset = 0

  constructor(private readonly paths: string[]) {}

  /** Makes at least `count` bytes available to `peek`; false when the files end first. */
  async fill(count: number): Promise<boolean> {
    while (this.buffer.length < count) {
      const more = await this.read()
      if (!more) return false
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, more]) : more
    }
    return true
  }

  /** The next `count` bytes, not a copy: a change made to them is what `pipe` hands on. */
  peek(count: number): Buffer {
    return this.buffer.subarray(0, count)
  }

  /** Consumes `count` bytes that `fill` made available, and answers a copy of them. */
  take(count: number): Buffer {
    const bytes = Buffer.from(this.buffer.subarray(0, count))
    this.drop(count)
    return bytes
  }

  /** Hands the next `count` bytes to `sink` piece by piece; false when the files end first. */
  async pipe(count: number, sink: (bytes: Buffer) => unknown): Promise<boolean> {
    let left = count
    while (left > 0) {
      if (!this.buffer.length && !(await this.fill(1))) return false
      const piece = this.buffer.subarray(0, Math.min(left, this.buffer.length))
      await sink(piece)
      this.drop(piece.length)
      left -= piece.length
    }
    return true
  }

  async close(): Promise<void> {
    await this.file?.close()
    this.file = null
  }

  private drop(count: number) {
    this.buffer = this.buffer.subarray(count)
    this.offset += count
  }

  private async read(): Promise<Buffer | null> {
    for (;;) {
      if (!this.file) {
        if (this.next >= this.paths.length) return null
        this.file = await open(this.paths[this.next++]!, 'r')
      }
      const { buffer, bytesRead } = await this.file.read(Buffer.alloc(READ_SIZE), 0, READ_SIZE, null)
      if (bytesRead) return buffer.subarray(0, bytesRead)
      await this.close()
    }
  }
}
