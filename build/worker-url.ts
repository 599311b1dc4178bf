import { build } from 'esbuild'
import type { Plugin } from 'rollup'

const SUFFIX = '?worker-url'
const PREFIX = '\0worker-url:'

/**
 * `import url from './worker.ts?worker-url'` bundles worker.ts (with esbuild) into a file of its
 * own and answers its file URL, for `new Worker(url)`: the relay runs in a worker thread of the one
 * Node process. A Rollup chunk would not do: Nitro's dev build merges every module into one file,
 * which would run the worker's code on the main thread. `external` packages are loaded from
 * node_modules (list them in Nitro's externals.traceInclude so the production build carries them).
 */
export function workerUrl(options: { external: string[] }): Plugin {
  return {
    name: 'wrencos:worker-url',
    async resolveId(source, importer) {
      if (!source.endsWith(SUFFIX)) return null
      const resolved = await this.resolve(source.slice(0, -SUFFIX.length), importer)
      return resolved ? PREFIX + resolved.id : null
    },
    async load(id) {
      if (!id.startsWith(PREFIX)) return null
      const entry = id.slice(PREFIX.length)
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        write: false,
        metafile: true,
        sourcemap: 'inline',
        external: options.external,
        logLevel: 'silent',
      })
      // The dev server rebuilds when any file of the worker changes.
      for (const input of Object.keys(result.metafile.inputs)) this.addWatchFile(input)
      const name = entry.split('/').at(-1)!.replace(/\.ts$/, '')
      const reference = this.emitFile({ type: 'asset', fileName: `workers/${name}.mjs`, source: result.outputFiles[0]!.text })
      return `export default new URL(import.meta.ROLLUP_FILE_URL_${reference})`
    },
    // Nitro's bundle sets import.meta.url to its entry's URL in every chunk, and an emitted file's
    // name is relative to the output root, which is the entry's folder: resolve against that.
    resolveFileUrl({ fileName }) {
      return `new URL(${JSON.stringify(fileName)}, import.meta.url).href`
    },
  }
}
