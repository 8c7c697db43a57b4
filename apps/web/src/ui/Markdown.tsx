import { memo, useMemo } from 'react';
import { CopyButton } from './CopyButton';
import { highlight } from './highlight';
import { type Block, type Inline, parseMarkdown } from './markdown';

// Markdown nodes have no identity beyond their position, and a streaming answer only ever grows at
// the end, so position is the right key: earlier nodes keep their elements as text arrives.

function InlineNode({ node }: { node: Inline }) {
  switch (node.type) {
    case 'text':
      return node.text;
    case 'code':
      return <code>{node.text}</code>;
    case 'strong':
      return (
        <strong>
          <InlineNodes nodes={node.children} />
        </strong>
      );
    case 'em':
      return (
        <em>
          <InlineNodes nodes={node.children} />
        </em>
      );
    case 'link':
      return (
        <a href={node.href} target="_blank" rel="noopener noreferrer nofollow">
          <InlineNodes nodes={node.children} />
        </a>
      );
  }
}

function InlineNodes({ nodes }: { nodes: Inline[] }) {
  // biome-ignore lint/suspicious/noArrayIndexKey: positional nodes (see above)
  return nodes.map((node, index) => <InlineNode key={index} node={node} />);
}

function CodeBlock({ lang, text }: { lang: string; text: string }) {
  const tokens = useMemo(() => highlight(text, lang), [text, lang]);
  return (
    <figure className="code-block">
      <figcaption>
        <span>{lang || 'code'}</span>
        <CopyButton text={text} label="Copy code" />
      </figcaption>
      <pre>
        <code>
          {tokens.map((token, index) =>
            token.kind === 'plain' ? (
              token.text
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: positional tokens (see above)
              <span key={index} className={`tok-${token.kind}`}>
                {token.text}
              </span>
            ),
          )}
        </code>
      </pre>
    </figure>
  );
}

function BlockNode({ block }: { block: Block }) {
  switch (block.type) {
    case 'heading': {
      // Answers sit under the page's own headings, so their levels start at h3.
      const Tag = `h${Math.min(6, block.level + 2)}` as 'h3';
      return (
        <Tag>
          <InlineNodes nodes={block.children} />
        </Tag>
      );
    }
    case 'paragraph':
      return (
        <p>
          <InlineNodes nodes={block.children} />
        </p>
      );
    case 'code':
      return <CodeBlock lang={block.lang} text={block.text} />;
    case 'list': {
      const items = block.items.map((item, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: positional items (see above)
        <li key={index}>
          <InlineNodes nodes={item} />
        </li>
      ));
      return block.ordered ? <ol start={block.start}>{items}</ol> : <ul>{items}</ul>;
    }
    case 'quote':
      return (
        <blockquote>
          <BlockNodes blocks={block.children} />
        </blockquote>
      );
    case 'rule':
      return <hr />;
  }
}

function BlockNodes({ blocks }: { blocks: Block[] }) {
  // biome-ignore lint/suspicious/noArrayIndexKey: positional blocks (see above)
  return blocks.map((block, index) => <BlockNode key={index} block={block} />);
}

/** Renders Markdown as React elements (never as HTML), with highlighted code blocks. */
export const Markdown = memo(function Markdown({ source }: { source: string }) {
  const blocks = useMemo(() => parseMarkdown(source), [source]);
  return (
    <div className="markdown">
      <BlockNodes blocks={blocks} />
    </div>
  );
});
