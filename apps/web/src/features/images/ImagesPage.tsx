import type { ImageSize } from '@synthwell/sdk';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { saveBlob } from '../../lib/download';
import { gateway } from '../../lib/gateway';
import { gatewayKeys, useModels } from '../../lib/gateway-queries';
import { describeProblem } from '../../lib/problems';
import { queryClient } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { SelectField, TextArea } from '../../ui/Field';
import { ProblemNotice } from '../../ui/Notice';
import { useToast } from '../../ui/Toast';
import { useSession } from '../auth/session';
import { ModelPicker } from '../chat/ModelPicker';
import { addToGallery, type GalleryImage, imageFileName, loadGallery, saveGallery } from './gallery';

const SIZES: ImageSize[] = ['256x256', '512x512', '1024x1024'];

function GalleryItem({ image }: { image: GalleryImage }) {
  const [expired, setExpired] = useState(false);
  const toast = useToast();
  const download = async () => {
    try {
      const response = await fetch(image.url);
      if (!response.ok) throw new Error('This image link has expired.');
      saveBlob(await response.blob(), imageFileName(image.url));
    } catch (error) {
      toast(describeProblem(error).message, 'error');
    }
  };
  return (
    <li className="gallery-item">
      {expired ? (
        <div className="gallery-expired">Link expired</div>
      ) : (
        <img src={image.url} alt={image.prompt} loading="lazy" onError={() => setExpired(true)} />
      )}
      <p title={image.prompt}>{image.prompt}</p>
      <small className="muted">
        {image.size} · {image.model}
      </small>
      <Button small onClick={() => void download()} disabled={expired} aria-label={`Download ${image.prompt}`}>
        Download
      </Button>
    </li>
  );
}

export default function ImagesPage() {
  const userId = useSession().data?.user.id ?? 'anonymous';
  const models = useModels('image');
  const [model, setModel] = useState('');
  const [gallery, setGallery] = useState(() => loadGallery(userId));
  const chosen = model || models.data?.[0]?.id || '';

  const generate = useMutation({
    mutationFn: (params: { prompt: string; size: ImageSize; n: number }) =>
      gateway.images.generate({ ...params, model: chosen, response_format: 'url' }),
    onSuccess: (response, params) => {
      const createdAt = new Date(response.created * 1000).toISOString();
      const added = response.data.flatMap((image) =>
        image.url
          ? [
              {
                id: imageFileName(image.url),
                url: image.url,
                prompt: params.prompt,
                size: params.size,
                model: chosen,
                createdAt,
              },
            ]
          : [],
      );
      const next = addToGallery(gallery, added);
      setGallery(next);
      saveGallery(userId, next);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: gatewayKeys.usage }),
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    generate.mutate({
      prompt: String(form.get('prompt') ?? '').trim(),
      size: String(form.get('size')) as ImageSize,
      n: Number(form.get('n')),
    });
  };

  const problem = generate.error ? describeProblem(generate.error) : null;
  return (
    <section>
      <h1>Images</h1>
      <form className="panel form-grid" onSubmit={submit}>
        <TextArea label="Prompt" name="prompt" required rows={3} placeholder="A lighthouse at dusk, in watercolour" />
        {models.data && <ModelPicker models={models.data} value={chosen} onChange={setModel} />}
        <SelectField label="Size" name="size" defaultValue="512x512">
          {SIZES.map((size) => (
            <option key={size}>{size}</option>
          ))}
        </SelectField>
        <SelectField label="Count" name="n" defaultValue="1">
          {[1, 2, 3, 4].map((count) => (
            <option key={count}>{count}</option>
          ))}
        </SelectField>
        <div>
          <Button type="submit" variant="primary" busy={generate.isPending}>
            {generate.isPending ? 'Generating…' : 'Generate'}
          </Button>
        </div>
      </form>
      {problem && (
        <ProblemNotice problem={problem}>
          {(problem.kind === 'quota' || problem.kind === 'locked') && <Link to="/billing">See plans and upgrade</Link>}
        </ProblemNotice>
      )}
      <h2>Your gallery</h2>
      {gallery.length === 0 ? (
        <p className="muted">Images you generate appear here.</p>
      ) : (
        <ul className="gallery" aria-label="Your images">
          {gallery.map((image) => (
            <GalleryItem key={image.url} image={image} />
          ))}
        </ul>
      )}
    </section>
  );
}
