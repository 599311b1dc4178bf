import { onBeforeUnmount, onMounted, ref } from 'vue'
import { useDealsStore } from '../stores/deals'

/** The server's time now, as a ref that ticks four times a second: what deal countdowns read. */
export function useServerNow() {
  const deals = useDealsStore()
  const now = ref(deals.now())
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    timer = setInterval(() => (now.value = deals.now()), 250)
  })
  onBeforeUnmount(() => clearInterval(timer))
  return now
}
