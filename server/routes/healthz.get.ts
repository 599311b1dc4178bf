// The process is up and serving requests (liveness): nothing else is asked.
export default defineEventHandler(() => ({ status: 'ok' }))
