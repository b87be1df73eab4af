// The step renderer: the exact HTML contract the web app wires (run, copy, file, check blocks),
// variables, links, images, heading ids, and that nothing from a lab or a session gets through unescaped.
import { describe, expect, it } from 'vitest'
import type { Lab, Step } from './lab-model.ts'
import { renderStep } from './render-step.ts'
import { prepareCheck } from '../checks/check-params.ts'
import { checkKinds } from '../checks/registry.ts'

const lab: Lab = {
  id: 'demo-lab',
  title: 'Demo',
  summary: 'Demo.',
  duration: '5m',
  requires: { cluster: 'none' },
  gating: false,
  variables: {
    TRAINEE_DOMAIN: { default: 'localhost', description: 'Domain.' },
    NAME: { default: 'Ada', description: 'Name.' },
  },
  dir: '/labs/demo-lab',
  environment: [],
  steps: [],
}

function step(markdown: string, checkIds: string[] = []): Step {
  return {
    index: 0,
    slug: 'demo',
    title: 'Demo',
    file: 'steps/01-demo.md',
    markdown,
    checks: checkIds.map((id) => prepareCheck(checkKinds, { id, kind: 'command', run: 'true' })),
  }
}

const render = (markdown: string, checkIds: string[] = [], vars: Record<string, string> = {}) =>
  renderStep(lab, step(markdown, checkIds), vars)

describe('action fences', () => {
  it('terminal:run', () => {
    expect(render('```terminal:run\necho hi-$((6*7))\n```').html).toBe(
      '<div class="kl-action kl-run" data-action="terminal:run"><pre><code>echo hi-$((6*7))</code></pre></div>\n',
    )
  })

  it('copy', () => {
    expect(render('```copy\nkubectl get pods -A\n```').html).toBe(
      '<div class="kl-action kl-copy" data-action="copy"><pre><code>kubectl get pods -A</code></pre></div>\n',
    )
  })

  it('file:NAME, with the language from the extension', () => {
    expect(render('```file:gateway.yaml\nkind: Gateway\n```').html).toBe(
      '<div class="kl-action kl-file" data-action="file" data-file-name="gateway.yaml"><div class="kl-file-name">gateway.yaml</div>' +
        '<pre><code class="language-yaml">kind: Gateway\n</code></pre></div>\n',
    )
    expect(render('```file:k8s/run.sh\nls\n```').html).toContain(
      'data-file-name="k8s/run.sh"><div class="kl-file-name">k8s/run.sh</div><pre><code class="language-bash">',
    )
  })

  it('check: one id per line, a YAML list, or empty for all the step checks', () => {
    const ids = ['a-check', 'b-check', 'c-check']
    expect(render('```check\nb-check\na-check\n```', ids)).toEqual({
      html: '<div class="kl-action kl-check" data-action="check" data-check-ids="b-check,a-check"></div>\n',
      checkIds: ['b-check', 'a-check'],
    })
    expect(render('```check\n- c-check\n```', ids).checkIds).toEqual(['c-check'])
    expect(render('```check\n[a-check, c-check]\n```', ids).checkIds).toEqual(['a-check', 'c-check'])
    expect(render('```check\n```', ids).html).toContain('data-check-ids="a-check,b-check,c-check"')
  })

  it('drops ids the step does not declare', () => {
    expect(render('```check\na-check\nnope\n```', ['a-check']).checkIds).toEqual(['a-check'])
  })

  it('adds a check block at the end when a step with checks has none', () => {
    const out = render('# Hi', ['x-check'])
    expect(
      out.html.endsWith('<div class="kl-action kl-check" data-action="check" data-check-ids="x-check"></div>\n'),
    ).toBe(true)
    expect(out.checkIds).toEqual(['x-check'])
    expect(render('# Hi').checkIds).toEqual([])
  })

  it('renders ordinary code fences as markdown-it does', () => {
    expect(render('```yaml\na: 1\n```').html).toBe('<pre><code class="language-yaml">a: 1\n</code></pre>\n')
  })
})

describe('variables', () => {
  it('are substituted in text, code, fences, file blocks and links, with defaults for unset ones', () => {
    const md =
      'Hi ${NAME} at `${TRAINEE_DOMAIN}`, see [shop](http://shop.${TRAINEE_DOMAIN}/) or http://www.${TRAINEE_DOMAIN}/x\n\n' +
      '```terminal:run\ncurl http://shop.${TRAINEE_DOMAIN}/\n```\n\n```file:vs.yaml\nhosts: [shop.${TRAINEE_DOMAIN}]\n```'
    const { html } = render(md, [], { TRAINEE_DOMAIN: 'trainee7.example.com' })
    expect(html).toContain('Hi Ada at <code>trainee7.example.com</code>')
    expect(html).toContain('<a href="http://shop.trainee7.example.com/">shop</a>')
    expect(html).toContain('<a href="http://www.trainee7.example.com/x">http://www.trainee7.example.com/x</a>')
    expect(html).toContain('<code>curl http://shop.trainee7.example.com/</code>')
    expect(html).toContain('hosts: [shop.trainee7.example.com]')
  })

  it('$${NAME} stays a literal ${NAME}; unknown names stay as written', () => {
    expect(render('`echo $${HOME}` and ${UNKNOWN}').html).toBe('<p><code>echo ${HOME}</code> and ${UNKNOWN}</p>\n')
  })

  it('values with underscores in their names survive emphasis parsing', () => {
    const values = { ...lab.variables, MY_VAR_NAME: { default: 'ok', description: 'x' } }
    expect(renderStep({ ...lab, variables: values }, step('a ${MY_VAR_NAME} b'), {}).html).toBe('<p>a ok b</p>\n')
  })

  it('values are plain text, never Markdown or HTML', () => {
    const { html } = render('Hello ${NAME}', [], {
      NAME: '*bold* [x](javascript:alert(1)) <img src=x onerror=alert(1)>',
    })
    expect(html).toBe('<p>Hello *bold* [x](javascript:alert(1)) &lt;img src=x onerror=alert(1)&gt;</p>\n')
  })

  it('a value that makes a link unsafe removes the link target', () => {
    const { html } = render('[go](${TRAINEE_DOMAIN})', [], { TRAINEE_DOMAIN: 'javascript:alert(1)' })
    expect(html).not.toContain('javascript:')
    expect(html).toBe('<p><a>go</a></p>\n')
  })
})

describe('escaping and neutralising', () => {
  it('raw HTML is text', () => {
    expect(render('<script>alert(1)</script>\n\nhi <b onclick="x">b</b>').html).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<p>hi &lt;b onclick=&quot;x&quot;&gt;b&lt;/b&gt;</p>\n',
    )
  })

  it('javascript:, data: and vbscript: links are not links', () => {
    for (const url of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>x</script>',
      'vbscript:x',
      'file:///etc/passwd',
    ]) {
      expect(render(`[x](${url})`).html).not.toContain('<a')
    }
    expect(render('<javascript:alert(1)>').html).not.toContain('<a')
  })

  it('keeps http(s), mailto, relative and anchor links', () => {
    expect(render('[a](https://istio.io/) [b](mailto:x@y.z) [c](#kl-top) [d](../other)').html).toBe(
      '<p><a href="https://istio.io/">a</a> <a href="mailto:x@y.z">b</a> <a href="#kl-top">c</a> <a href="../other">d</a></p>\n',
    )
  })

  it('escapes commands, file contents and unsafe file names', () => {
    expect(render('```terminal:run\necho "</code></pre><script>x</script>"\n```').html).toContain(
      '<code>echo &quot;&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;x&lt;/script&gt;&quot;</code>',
    )
    const injected = render('```file:a"onmouseover="alert(1).yaml\nx\n```').html
    expect(injected).toBe('<pre><code>x\n</code></pre>\n')
    expect(render('```file:../../etc/passwd\nx\n```').html).not.toContain('data-file-name')
  })

  it('a file name from a variable is escaped, or refused when unsafe', () => {
    expect(render('```file:${NAME}.yaml\nx\n```', [], { NAME: 'a"><script>' }).html).not.toContain('data-action="file"')
    expect(render('```file:${NAME}.yaml\nx\n```', [], { NAME: 'gw' }).html).toContain('data-file-name="gw.yaml"')
  })

  it('check ids are escaped in the attribute', () => {
    const html = render('```check\n```', ['a"b']).html
    expect(html).toBe('<div class="kl-action kl-check" data-action="check" data-check-ids="a&quot;b"></div>\n')
  })

  it('info strings of ordinary fences are escaped', () => {
    expect(render('```"><script>\nx\n```').html).not.toContain('<script>')
  })
})

describe('images, links and headings', () => {
  it('images come only from the lab assets folder', () => {
    expect(render('![the path](assets/path.svg "Request path")').html).toBe(
      '<p><img src="/api/labs/demo-lab/assets/path.svg" alt="the path" title="Request path" loading="lazy"></p>\n',
    )
    expect(render('![dot](./assets/dot.png)').html).toContain('src="/api/labs/demo-lab/assets/dot.png"')
    for (const src of [
      'https://evil.example/x.png',
      '/etc/x.png',
      'assets/../secret.png',
      'assets/sub/x.png',
      'assets/x.html',
      'assets/%2e%2e%2fx.png',
    ]) {
      expect(render(`![alt <b>](${src})`).html).toBe('<p>alt &lt;b&gt;</p>\n')
    }
    expect(render('![x](data:image/png;base64,AAAA)').html).not.toContain('<img')
  })

  it('bare URLs with a scheme become links; file names do not', () => {
    expect(render('see https://kind.sigs.k8s.io/ and setup.sh or notes.md').html).toBe(
      '<p>see <a href="https://kind.sigs.k8s.io/">https://kind.sigs.k8s.io/</a> and setup.sh or notes.md</p>\n',
    )
  })

  it('headings get unique, prefixed ids', () => {
    expect(render('# Hello, `kind`!\n\n## Hello kind\n\n## Über ${NAME}').html).toBe(
      '<h1 id="kl-hello-kind">Hello, <code>kind</code>!</h1>\n<h2 id="kl-hello-kind-2">Hello kind</h2>\n<h2 id="kl-uber-ada">Über Ada</h2>\n',
    )
  })
})
