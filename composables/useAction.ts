import { ref } from 'vue'
import { apiErrorMessage } from '../utils/api-error'

/**
 * A button's server call: `busy` while it runs, `problem` holding the server's own words when it
 * fails, so every form reports errors the same way.
 */
export function useAction() {
  const busy = ref(false)
  const problem = ref<string | null>(null)

  async function run<T>(action: () => Promise<T>): Promise<T | undefined> {
    busy.value = true
    problem.value = null
    try {
      return await action()
    }
    catch (error) {
      problem.value = apiErrorMessage(error)
    }
    finally {
      busy.value = false
    }
  }

  return { busy, problem, run }
}
