import { IdParams } from '#shared/schemas/common'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return { livestream: await core.answers.read(id) }
})
