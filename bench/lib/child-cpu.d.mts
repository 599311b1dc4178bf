export function childrenOf(pid: number): number[]
export function commandOf(pid: number): string[]
export function childCpu(parentPid: number, counts?: (command: string[]) => boolean): { sample(): number, lasting(): number, seen(): number }
