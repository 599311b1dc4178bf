// janode (Meetecho's Janus client) ships JavaScript with JSDoc, no declarations. The server uses
// it only through server/media/janus/janus-link.ts, which types the few calls it makes.
declare module 'janode' {
  const Janode: {
    connect(config: unknown): Promise<unknown>
    Logger: { setLevel(level: string): string }
    EVENT: Record<'CONNECTION_CLOSED' | 'CONNECTION_ERROR' | 'SESSION_DESTROYED' | 'HANDLE_HANGUP' | 'HANDLE_DETACHED' | 'HANDLE_ICE_FAILED' | 'HANDLE_WEBRTCUP', string>
  }
  export default Janode
}
declare module 'janode/plugins/videoroom' {
  const plugin: { id: string, Handle: unknown }
  export default plugin
}
declare module 'janode/plugins/streaming' {
  const plugin: { id: string, Handle: unknown }
  export default plugin
}
