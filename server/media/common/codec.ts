/** A codec as the publisher negotiated it, for the viewers (the media servers forward, they never transcode). */
export interface CodecChoice { mimeType: string, clockRate: number, channels?: number, parameters?: string, payloadType?: number }
