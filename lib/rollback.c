/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Undo records for everything setup creates outside the child. */
#include "rollback.h"

int vb_rollback_push(struct vb_rollback *rb, vb_undo_fn fn, void *data, bool owned)
{
	if (rb->n == rb->cap) {
		size_t cap = rb->cap ? rb->cap * 2 : 8;
		struct vb_undo *items = realloc(rb->items, cap * sizeof(*items));

		if (!items) {
			/* Undo now: the caller treats the step as failed. */
			fn(data);
			if (owned)
				free(data);
			return -ENOMEM;
		}
		rb->items = items;
		rb->cap = cap;
	}
	rb->items[rb->n++] = (struct vb_undo){ .fn = fn, .data = data, .owned = owned };
	return 0;
}

void vb_rollback_unwind(struct vb_rollback *rb)
{
	int saved = errno;

	while (rb->n > 0) {
		struct vb_undo *u = &rb->items[--rb->n];

		u->fn(u->data);
		if (u->owned)
			free(u->data);
	}
	free(rb->items);
	rb->items = NULL;
	rb->cap = 0;
	errno = saved;
}
