/**
 * - new: made, nothing negotiated yet
 * - connecting: negotiating, or ICE checking
 * - connected: media can flow
 * - restarting: an ICE restart is under way after a failure (the offering side only)
 * - gave-up: failed and out of restarts; the owner decides what comes next
 * - closed: closed by its owner
 */
export type PeerLinkPhase = 'new' | 'connecting' | 'connected' | 'restarting' | 'gave-up' | 'closed'

export interface PeerLinkOptions {
  iceServers: RTCIceServer[]
  /**
   * ICE restarts this side makes before giving up. The offering side restarts (it makes the new
   * offer in `onRestart`); an answering side usually makes none and gives up for its owner to ask again.
   */
  maxRestarts?: number
  /** How long 'disconnected' may last before it is treated as a failure (it often heals by itself). */
  disconnectedGraceMs?: number
  /** A local ICE candidate to send to the other side (`null`: gathering is complete). */
  onCandidate?: (candidate: RTCIceCandidateInit | null) => void
  /** Renegotiate with `createOffer({ iceRestart: true })` and deliver it; called at most `maxRestarts` times in a row. */
  onRestart?: () => unknown
  /** Failed, and no restart is left: the owner closes this link and may make another. */
  onGiveUp?: () => void
  onPhase?: (phase: PeerLinkPhase) => void
  /** Every change of the browser's own connection state (a count of connected peers follows these). */
  onConnectionState?: (state: RTCPeerConnectionState) => void
  /** The other side's media, when its first track arrives. */
  onTrack?: (stream: MediaStream) => void
  /**
   * A connection made before this link (the page's early WHEP session, utils/early-whep.ts),
   * taken over as it is: its tracks, its state and the candidates it gathered so far.
   */
  connection?: RTCPeerConnection
}

/**
 * One RTCPeerConnection's whole life: its tracks, offer and answer, the candidates that arrive
 * before the description they belong to, ICE restarts with a limit (a failure restarts at once, a
 * disconnection after a grace period), stats and closing. The p2p host keeps one per customer,
 * each viewer one for the show, and the WHIP host one (composables/video); their UI state
 * lives with them, not here (as in livekit's PCTransport).
 */
export class PeerLink {
  readonly connection: RTCPeerConnection
  private current: PeerLinkPhase = 'new'
  private restarts = 0
  private graceTimer: ReturnType<typeof setTimeout> | undefined
  private readonly earlyCandidates: RTCIceCandidateInit[] = []
  private readonly maxRestarts: number
  private readonly graceMs: number

  constructor(private readonly options: PeerLinkOptions) {
    this.maxRestarts = options.maxRestarts ?? 0
    this.graceMs = options.disconnectedGraceMs ?? 4000
    this.connection = options.connection ?? new RTCPeerConnection({ iceServers: options.iceServers })
    this.connection.onicecandidate = ({ candidate }) => {
      if (this.current !== 'closed') options.onCandidate?.(candidate ? candidate.toJSON() : null)
    }
    this.connection.onconnectionstatechange = () => {
      options.onConnectionState?.(this.connection.connectionState)
      this.follow(this.connection.connectionState)
    }
    this.connection.ontrack = (event) => {
      options.onTrack?.(event.streams[0] ?? new MediaStream([event.track]))
    }
    // After the constructor returns, so its owner holds the link before hearing from it.
    if (options.connection) queueMicrotask(() => this.takeOver(options.connection!))
  }

  /** What an adopted connection already has: the tracks it receives, and how far it got. */
  private takeOver(connection: RTCPeerConnection) {
    const tracks = connection.getReceivers().map(receiver => receiver.track).filter(track => track.readyState === 'live')
    if (connection.remoteDescription && tracks.length) this.options.onTrack?.(new MediaStream(tracks))
    this.setPhase('connecting')
    if (connection.connectionState !== 'new') this.follow(connection.connectionState)
  }

  get phase(): PeerLinkPhase {
    return this.current
  }

  /** The browser's own state, for a count of connected peers. */
  get connectionState(): RTCPeerConnectionState {
    return this.connection.connectionState
  }

  private setPhase(phase: PeerLinkPhase) {
    if (this.current === phase || this.current === 'closed') return
    this.current = phase
    this.options.onPhase?.(phase)
  }

  /** ICE moved on: connected resets the restart budget; failed restarts (or gives up); disconnected waits first. */
  private follow(state: RTCPeerConnectionState) {
    if (this.current === 'closed') return
    clearTimeout(this.graceTimer)
    if (state === 'connected') {
      this.restarts = 0
      this.setPhase('connected')
    }
    else if (state === 'failed' || state === 'closed') {
      // Closed without our close(): the far end ended it (a relay that dropped the session).
      this.recover()
    }
    else if (state === 'disconnected') {
      this.graceTimer = setTimeout(() => this.recover(), this.graceMs)
    }
    else if (state === 'connecting' && this.current !== 'restarting') {
      this.setPhase('connecting')
    }
  }

  private recover() {
    if (this.current === 'closed' || this.connection.connectionState === 'connected') return
    if (this.restarts >= this.maxRestarts) {
      this.setPhase('gave-up')
      this.options.onGiveUp?.()
      return
    }
    this.restarts++
    this.setPhase('restarting')
    void Promise.resolve(this.options.onRestart?.()).catch(() => this.recover())
  }

  /** Sends `stream`'s tracks (the studio's camera) on this connection. */
  addTracks(stream: MediaStream) {
    for (const track of stream.getTracks()) this.connection.addTrack(track, stream)
  }

  /** Swaps the sent tracks for `stream`'s of the same kind, with no renegotiation (another camera, another size). */
  replaceTracks(stream: MediaStream) {
    for (const sender of this.connection.getSenders()) {
      const track = stream.getTracks().find(candidate => candidate.kind === sender.track?.kind)
      if (track && sender.track !== track) void sender.replaceTrack(track)
    }
  }

  /**
   * Sends `stream` as layers: its video in the given simulcast encodings (each viewer of the relay
   * gets the one its connection carries), its audio as it is.
   */
  addSimulcast(stream: MediaStream, encodings: RTCRtpEncodingParameters[]) {
    for (const track of stream.getVideoTracks()) this.connection.addTransceiver(track, { direction: 'sendonly', streams: [stream], sendEncodings: encodings })
    for (const track of stream.getAudioTracks()) this.connection.addTransceiver(track, { direction: 'sendonly', streams: [stream] })
  }

  /** Sets each simulcast layer's bitrate cap, matched by rid. */
  async capLayers(encodings: RTCRtpEncodingParameters[]) {
    for (const sender of this.connection.getSenders()) {
      if (sender.track?.kind !== 'video') continue
      const parameters = sender.getParameters()
      if (!parameters.encodings?.length) continue
      for (const encoding of parameters.encodings) {
        const wanted = encodings.find(candidate => candidate.rid === encoding.rid)
        if (wanted?.maxBitrate) encoding.maxBitrate = wanted.maxBitrate
      }
      await sender.setParameters(parameters).catch(() => {})
    }
  }

  /** Receives one audio and one video track without sending any (a viewer). */
  receiveOnly() {
    this.connection.addTransceiver('video', { direction: 'recvonly' })
    this.connection.addTransceiver('audio', { direction: 'recvonly' })
  }

  /** The offering side: an offer (an ICE restart when asked), already set as the local description. */
  async createOffer(options: { iceRestart?: boolean } = {}): Promise<RTCSessionDescriptionInit> {
    if (this.current === 'new') this.setPhase('connecting')
    const offer = await this.connection.createOffer(options.iceRestart ? { iceRestart: true } : undefined)
    await this.connection.setLocalDescription(offer)
    return { type: offer.type, sdp: offer.sdp }
  }

  /** True while an offer of ours waits for its answer. */
  get awaitingAnswer() {
    return this.connection.signalingState === 'have-local-offer'
  }

  /** The offering side: the other side's answer, then the candidates that came before it. */
  async acceptAnswer(answer: RTCSessionDescriptionInit) {
    await this.connection.setRemoteDescription(answer)
    await this.addEarlyCandidates()
  }

  /** The answering side: applies `offer` (a first one, or an ICE restart of the same session) and answers it. */
  async acceptOffer(offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit> {
    if (this.current === 'new') this.setPhase('connecting')
    await this.connection.setRemoteDescription(offer)
    await this.addEarlyCandidates()
    const answer = await this.connection.createAnswer()
    await this.connection.setLocalDescription(answer)
    return { type: answer.type, sdp: answer.sdp }
  }

  /** A candidate from the other side; kept until the description it belongs to is set. */
  async addRemoteCandidate(candidate: RTCIceCandidateInit) {
    if (this.connection.remoteDescription) await this.connection.addIceCandidate(candidate).catch(() => {})
    else this.earlyCandidates.push(candidate)
  }

  private async addEarlyCandidates() {
    for (const candidate of this.earlyCandidates.splice(0)) await this.connection.addIceCandidate(candidate).catch(() => {})
  }

  /**
   * Caps every video sender's bitrate (a preset's: 1080p must not starve a room of phones) and,
   * with `scaleResolutionDownBy`, the size it sends (1: the camera's), with no renegotiation. Only
   * what changes is set: a sender already so is not set again (a new size restarts its encoder
   * from a key frame), and a scale of 1 is not written where none was (unset is 1).
   */
  async capVideo(maxBitrate: number, scaleResolutionDownBy?: number) {
    const fits = (encoding: RTCRtpEncodingParameters) => encoding.maxBitrate === maxBitrate && (!scaleResolutionDownBy || (encoding.scaleResolutionDownBy ?? 1) === scaleResolutionDownBy)
    for (const sender of this.connection.getSenders()) {
      if (sender.track?.kind !== 'video') continue
      const parameters = sender.getParameters()
      if (!parameters.encodings?.length || parameters.encodings.every(fits)) continue
      for (const encoding of parameters.encodings) {
        encoding.maxBitrate = maxBitrate
        if (scaleResolutionDownBy && (encoding.scaleResolutionDownBy ?? 1) !== scaleResolutionDownBy) encoding.scaleResolutionDownBy = scaleResolutionDownBy
      }
      await sender.setParameters(parameters).catch(() => {})
    }
  }

  stats(): Promise<RTCStatsReport> {
    return this.connection.getStats()
  }

  close() {
    if (this.current === 'closed') return
    clearTimeout(this.graceTimer)
    this.current = 'closed'
    this.connection.onconnectionstatechange = null
    this.connection.onicecandidate = null
    this.connection.ontrack = null
    this.connection.close()
  }
}
