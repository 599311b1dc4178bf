// The relay's side of the ingest thread (ingest-worker.ts): each host's session there, as the
// relay holds it. Its packets feed the show here, as a PublisherSession of this thread would.
import { Buffer } from 'node:buffer'
import type { MessagePort } from 'node:worker_threads'
import { RtpPacket } from 'werift'
import { fromThreadError } from './rpc'
import type { Show } from '../common/show'
import type { IngestCall, IngestNews } from './ingest-messages'
import { sessionId, type Publishing } from './publisher'

/** One port to the ingest thread, for every show's publisher. */
export class IngestLink {
  private readonly publishers = new Map<string, RemotePublisher>()
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void, reject: (error: unknown) => void }>()
  private nextCall = 1

  /** `onLag(ms)`: how long each packet waited for this thread (the relay falling behind shows there first). */
  constructor(private readonly port: MessagePort, private readonly onLag: (ms: number) => void = () => {}) {
    port.on('message', (news: IngestNews) => this.hear(news))
  }

  /** A publisher's session on the ingest thread, feeding `show`. */
  publisher(show: Show, onGone: (session: RemotePublisher) => void): RemotePublisher {
    const publisher = new RemotePublisher(this, show, onGone)
    this.publishers.set(publisher.id, publisher)
    return publisher
  }

  send(message: IngestCall) {
    this.port.postMessage(message)
  }

  /** A call that is answered (answer, patch). */
  ask<T>(message: { type: 'answer', id: string, sdp: string } | { type: 'patch', id: string, text: string }): Promise<T> {
    const call = this.nextCall++
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(call, { resolve: resolve as (value: unknown) => void, reject })
      this.send({ ...message, call })
    })
  }

  private hear(news: IngestNews) {
    if (news.type === 'reply') {
      const waiting = this.waiting.get(news.call)
      this.waiting.delete(news.call)
      if (news.ok) waiting?.resolve(news.value)
      else waiting?.reject(fromThreadError(news.error))
      return
    }
    if (news.type === 'rtp') this.onLag(Date.now() - news.sentAt)
    this.publishers.get(news.id)?.hear(news)
    if (news.type === 'gone') this.publishers.delete(news.id)
  }
}

/** A host's upload whose connection lives on the ingest thread. */
export class RemotePublisher implements Publishing {
  readonly id = sessionId()
  state = 'new'
  private closed = false

  constructor(private readonly link: IngestLink, private readonly show: Show, private readonly onGone: (session: RemotePublisher) => void) {}

  answer(sdp: string) {
    return this.link.ask<string>({ type: 'answer', id: this.id, sdp })
  }

  patch(text: string) {
    return this.link.ask<string | undefined>({ type: 'patch', id: this.id, text })
  }

  hear(news: Exclude<IngestNews, { type: 'reply' }>) {
    if (this.closed) return
    switch (news.type) {
      case 'rtp': {
        const packet = RtpPacket.deSerialize(Buffer.from(news.data.buffer, news.data.byteOffset, news.data.byteLength))
        return this.show.receive(news.source, packet, news.startable, news.width && news.height ? { width: news.width, height: news.height } : undefined)
      }
      case 'new':
        return this.show.newPublisher()
      case 'codecs':
        this.show.codecs = news.codecs
        this.show.requestKeyframe = ssrc => this.link.send({ type: 'keyframe', id: this.id, ssrc })
        return
      case 'state':
        this.state = news.state
        return
      case 'gone':
        this.closed = true
        return this.onGone(this)
    }
  }

  close() {
    if (this.closed) return
    this.closed = true
    this.link.send({ type: 'close', id: this.id })
    this.onGone(this)
  }
}
