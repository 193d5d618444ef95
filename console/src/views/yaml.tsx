import { useEffect, useState } from 'preact/hooks';
import type { Flag, Segment } from '../../../core/model/index.js';

/** The document as YAML, the way the flags files hold it (the YAML library loads on first use). */
export function Yaml({ doc }: { doc: Flag | Segment }) {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    void import('yaml').then(({ stringify }) => current && setText(stringify(doc, { indent: 2, lineWidth: 100 })));
    return () => {
      current = false;
    };
  }, [doc]);
  return (
    <pre class="yaml" tabIndex={0} aria-label="YAML source">
      {text ?? '…'}
    </pre>
  );
}
