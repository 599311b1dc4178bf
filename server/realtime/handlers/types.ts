import type { ClientMessageOf, ClientMessageType } from '#shared/schemas/socket'
import type { Connection } from '../connection'
import type { HubContext } from '../context'

type Handler<M> = (ctx: HubContext, connection: Connection, message: M) => unknown

/** The handler of one client message type: it may answer, publish, or throw a DomainError (sent back as `error`). */
export type MessageHandler<T extends ClientMessageType> = Handler<ClientMessageOf<T>>

export type HandlerTable = { readonly [T in ClientMessageType]: Handler<ClientMessageOf<T>> }
