// Which shell commands cannot work without a cluster: a Run button offline explains instead of
// running them, and hints that suggest them are marked. Pure: text in, answer out.

/** Programs that always talk to a Kubernetes cluster. */
const clusterPrograms = new Set(['kubectl', 'istioctl', 'helm', 'kind', 'k9s', 'kubens', 'kubectx'])
/** Programs that send requests over the network: in a lab that needs the cluster, to the cluster. */
const networkPrograms = new Set(['curl', 'wget', 'grpcurl', 'nc', 'ncat', 'telnet', 'http', 'httpie'])
/** Words that may come before the program of a simple command. */
const prefixWords = new Set(['do', 'then', 'else', 'elif', 'time', 'sudo', 'watch', 'exec', 'command', 'nohup', '!'])

export interface ClusterCommandOptions {
  /** The lab needs the cluster, so its network requests (curl, wget, …) go to the cluster. */
  labNeedsCluster: boolean
}

/** The program of each simple command in a line of shell (pipelines, lists, `$(...)`, loops). */
export function programsOf(script: string): string[] {
  const programs: string[] = []
  for (const segment of script.split(/\$\(|[;&|\n(){}`]/)) {
    const words = segment.trim().split(/\s+/).filter(Boolean)
    let i = 0
    while (i < words.length && (prefixWords.has(words[i] ?? '') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] ?? ''))) {
      i++
    }
    const program = words[i]
    if (program) {
      programs.push(program.replace(/^.*\//, ''))
      if (program === 'openssl' && words[i + 1] === 's_client') {
        programs[programs.length - 1] = 'openssl s_client'
      }
    }
  }
  return programs
}

/** True when `script` cannot do its job without a cluster. */
export function needsCluster(script: string, opts: ClusterCommandOptions): boolean {
  return programsOf(script).some(
    (p) => clusterPrograms.has(p) || (opts.labNeedsCluster && (networkPrograms.has(p) || p === 'openssl s_client')),
  )
}

/** True when a hint suggests a command (in backticks) that needs the cluster. */
export function hintNeedsCluster(hint: string, opts: ClusterCommandOptions): boolean {
  return [...hint.matchAll(/`([^`]+)`/g)].some((m) => needsCluster(m[1] ?? '', opts))
}
