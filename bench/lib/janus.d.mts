export declare const haveJanus: boolean
export interface RunningJanus {
  url: string
  secret: string
  env: Record<string, string>
  readonly pid: number
  kill(): Promise<void>
  restart(): Promise<void>
  stop(): Promise<void>
  output(): string
}
export declare function startJanus(options?: { secret?: string }): Promise<RunningJanus>
