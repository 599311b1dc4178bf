import { listModerators } from '../../domain/users'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  return { items: (await listModerators(core)).map(publicUser) }
})
