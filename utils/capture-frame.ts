/**
 * One still of a live MediaStream as a JPEG, drawn through a canvas in the browser: the show's
 * thumbnail, taken from the video the viewers see without any work on the server.
 */
export async function captureFrame(stream: MediaStream, width = 640): Promise<Blob> {
  const video = document.createElement('video')
  video.muted = true
  video.playsInline = true
  video.srcObject = stream
  try {
    await video.play()
    // Wait for a decoded frame: right after play() the element may still be 0 x 0.
    await new Promise<void>((resolve) => {
      if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(() => resolve())
      else setTimeout(resolve, 250)
    })
    const canvas = document.createElement('canvas')
    canvas.width = width
    canvas.height = Math.round(width * (video.videoHeight || 9) / (video.videoWidth || 16))
    canvas.getContext('2d')!.drawImage(video, 0, 0, canvas.width, canvas.height)
    return await new Promise((resolve, reject) =>
      canvas.toBlob(blob => blob ? resolve(blob) : reject(new Error('the frame could not be encoded')), 'image/jpeg', 0.85))
  }
  finally {
    video.srcObject = null
  }
}

export async function uploadThumbnail(livestreamId: string, image: Blob): Promise<string> {
  const form = new FormData()
  form.append('livestreamId', livestreamId)
  form.append('thumbnail', image, 'thumbnail.jpg')
  const { thumbnailUrl } = await $fetch<{ thumbnailUrl: string }>('/api/uploads/thumbnail', { method: 'POST', body: form })
  return thumbnailUrl
}
