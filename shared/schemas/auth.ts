import { z } from 'zod'
import { DisplayName, Email } from './common'

export const LoginBody = z.object({
  email: Email,
  password: z.string().min(1).max(200),
})

export const RegisterBody = z.object({
  email: Email,
  password: z.string().min(8, 'at least 8 characters').max(200),
  displayName: DisplayName,
})

export const GuestBody = z.object({ displayName: DisplayName })

/** `{ everywhere: true }` ends every session of the account; no body is a logout here. */
export const LogoutBody = z.object({ everywhere: z.boolean().optional() }).prefault({})

export type LoginInput = z.infer<typeof LoginBody>
export type RegisterInput = z.infer<typeof RegisterBody>
