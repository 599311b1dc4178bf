import { IdParams } from '#shared/schemas/common'
import { ChatPageQuery } from '#shared/schemas/livestream'
import { chatPage } from '../../../domain/chat'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const query = await getValidatedQuery(event, zodCheck(ChatPageQuery))
  return chatPage(core, id, query)
})
