import { defineStore } from 'pinia'
import type { User } from '#shared/types/models'
import { isStaff as isStaffRole } from '#shared/utils/roles'

/** Who is signed in. The token itself lives in the httpOnly cookie; this keeps the user it stands for. */
export const useSessionStore = defineStore('session', () => {
  const user = ref<User | null>(null)
  const loaded = ref(false)
  const isAdmin = computed(() => user.value?.role === 'admin')
  /** Admins and moderators: who may moderate a show's chat. */
  const isStaff = computed(() => isStaffRole(user.value?.role))

  /** Asks the server once per app load (forwarding the cookie during SSR). */
  async function load() {
    if (loaded.value) return
    const fetcher = useRequestFetch()
    try {
      user.value = (await fetcher<{ user: User }>('/api/auth/me')).user
    }
    catch {
      user.value = null
    }
    loaded.value = true
  }

  /** Asks again (the embedded player, once its frame's token is known in the browser). */
  async function reload() {
    loaded.value = false
    await load()
  }

  async function login(email: string, password: string) {
    user.value = (await $fetch<{ user: User }>('/api/auth/login', { method: 'POST', body: { email, password } })).user
    loaded.value = true
  }

  async function joinAsGuest(displayName: string) {
    user.value = (await $fetch<{ user: User }>('/api/auth/guest', { method: 'POST', body: { displayName } })).user
    loaded.value = true
  }

  async function logout() {
    await $fetch('/api/auth/logout', { method: 'POST' })
    user.value = null
  }

  return { user, loaded, isAdmin, isStaff, load, reload, login, joinAsGuest, logout }
})
