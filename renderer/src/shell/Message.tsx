/**
 * Shows a message from main. Messages quote paths and commands in backticks
 * ("`../web` is not inside this repository"); those parts render as code, everything else as
 * plain text (never as HTML).
 */
export function Message({ text }: { text: string }) {
  const parts = text.split(/(`[^`\n]+`)/g);
  return (
    <>
      {parts.map((part, index) =>
        part.length > 2 && part.startsWith('`') && part.endsWith('`') ? (
          <code key={index} className="inline-code">
            {part.slice(1, -1)}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}
