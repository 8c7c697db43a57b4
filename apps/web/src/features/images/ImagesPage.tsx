import type { ImageSize, StoredImage } from '@synthwell/sdk';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { gateway } from '../../lib/gateway';
import { gatewayKeys, useModels } from '../../lib/gateway-queries';
import { describeProblem } from '../../lib/problems';
import { queryClient } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { SelectField, TextArea } from '../../ui/Field';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { useToast } from '../../ui/Toast';
import { ModelPicker } from '../chat/ModelPicker';
import { describeImage, downloadImage } from './gallery';
import { galleryKey, useGallery } from './use-gallery';

const SIZES: ImageSize[] = ['256x256', '512x512', '1024x1024'];

function GalleryItem({ image, onDelete }: { image: StoredImage; onDelete: (image: StoredImage) => void }) {
  const [broken, setBroken] = useState(false);
  const toast = useToast();
  const description = describeImage(image);
  const download = async () => {
    try {
      await downloadImage(image);
    } catch (error) {
      toast(describeProblem(error).message, 'error');
      void queryClient.invalidateQueries({ queryKey: galleryKey });
    }
  };
  return (
    <li className="gallery-item" data-image-id={image.id}>
      {broken ? (
        <div className="gallery-expired">Link expired</div>
      ) : (
        <img src={image.url} alt={description} loading="lazy" onError={() => setBroken(true)} />
      )}
      <p title={description}>{description}</p>
      <span className="row-actions">
        <Button small onClick={() => void download()} aria-label={`Download ${description}`}>
          Download
        </Button>
        <Button small variant="danger" onClick={() => onDelete(image)} aria-label={`Delete ${description}`}>
          Delete
        </Button>
      </span>
    </li>
  );
}

export default function ImagesPage() {
  const toast = useToast();
  const models = useModels('image');
  const gallery = useGallery();
  const [model, setModel] = useState('');
  const [deleting, setDeleting] = useState<StoredImage | null>(null);
  const chosen = model || models.data?.[0]?.id || '';

  const generate = useMutation({
    mutationFn: (params: { prompt: string; size: ImageSize; n: number }) =>
      gateway.images.generate({ ...params, model: chosen, response_format: 'url' }),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: galleryKey }),
        queryClient.invalidateQueries({ queryKey: gatewayKeys.usage }),
      ]),
  });
  const remove = useMutation({
    mutationFn: (image: StoredImage) => gateway.images.delete(image.id),
    onSuccess: () => {
      toast('Image deleted');
      setDeleting(null);
      return queryClient.invalidateQueries({ queryKey: galleryKey });
    },
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
        {models.data && <ModelPicker kind="image" models={models.data} value={chosen} onChange={setModel} />}
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
          {/* Until the models load there is nothing to generate with. */}
          <Button type="submit" variant="primary" busy={generate.isPending} disabled={!chosen}>
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
      {gallery.isPending && <Loading />}
      {gallery.error && <ProblemNotice problem={describeProblem(gallery.error)} />}
      {gallery.data?.length === 0 && <p className="muted">Images you generate appear here.</p>}
      {gallery.data && gallery.data.length > 0 && (
        <ul className="gallery" aria-label="Your images">
          {gallery.data.map((image) => (
            <GalleryItem
              key={image.id}
              image={image}
              onDelete={(chosenImage) => {
                remove.reset();
                setDeleting(chosenImage);
              }}
            />
          ))}
        </ul>
      )}
      {gallery.hasNextPage && (
        <div className="actions">
          <Button busy={gallery.isFetchingNextPage} onClick={() => void gallery.fetchNextPage()}>
            Show older images
          </Button>
        </div>
      )}
      <Dialog open={deleting !== null} title="Delete this image?" onClose={() => setDeleting(null)}>
        <p>{deleting ? describeImage(deleting) : ''} is removed for good, and its links stop working.</p>
        {remove.error && <ProblemNotice problem={describeProblem(remove.error)} />}
        <div className="dialog-actions">
          <Button onClick={() => setDeleting(null)}>Cancel</Button>
          <Button variant="danger" busy={remove.isPending} onClick={() => deleting && remove.mutate(deleting)}>
            Delete image
          </Button>
        </div>
      </Dialog>
    </section>
  );
}
