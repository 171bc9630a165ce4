import type { ComponentProps } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import type { MemorySourceId } from '../../../main/contract/memory';
import { classifyLink, fileHref } from './routes';

/**
 * GitHub-flavoured markdown without raw HTML. Links to other files of the memory folder open
 * them here; web links open outside Lanes (a new window, which the Electron shell hands to the
 * system browser); anything else (repository paths, anchors) is shown but not followed, and
 * images are shown as their description, so a memory file never loads anything.
 */
export function Markdown({ text, source }: { text: string; source: MemorySourceId }) {
  const components: Components = {
    a: ({ href, children }: ComponentProps<'a'>) => {
      const target = classifyLink(href);
      if (target.kind === 'memory') return <a href={fileHref(source, target.file)}>{children}</a>;
      if (target.kind === 'external') {
        return (
          <a href={target.href} target="_blank" rel="noreferrer">
            {children}
          </a>
        );
      }
      return (
        <span className="md-inert-link" title={href ? `${href} is not in the memory folder` : undefined}>
          {children}
        </span>
      );
    },
    img: ({ alt, src }: ComponentProps<'img'>) => (
      <span className="md-image" title={typeof src === 'string' ? src : undefined}>
        [{alt || 'image'}]
      </span>
    ),
  };
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={[remarkGfm]} skipHtml components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
