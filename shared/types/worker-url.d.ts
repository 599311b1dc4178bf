// `?worker-url` imports (build/worker-url.ts): the file URL of a module bundled as its own chunk.
declare module '*?worker-url' {
  const url: URL
  export default url
}
