import { IdParams } from '#shared/schemas/common'
import { shareCard } from '../../../domain/share-card'

// Not in PROTOCOL.md by path: what /live/:id renders into its head for link previews and search
// engines (og: fields and the JSON-LD VideoObject), with absolute URLs.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return shareCard(core, await core.answers.read(id), publicBase(event))
})
