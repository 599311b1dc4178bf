import { GiveawayParams } from '#shared/schemas/on-air'
import { giveawayProof } from '../../../../domain/giveaways'

// A giveaway; once drawn, with the seed and the sorted pool it was drawn from, so anyone can check
// the winners (README, "Giveaways").
export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { id, giveawayId } = await getValidatedRouterParams(event, zodCheck(GiveawayParams))
  return giveawayProof(core, id, giveawayId)
})
