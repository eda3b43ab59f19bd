/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Undo steps (lib/rollback.c). */
#ifndef VB_ROLLBACK_H
#define VB_ROLLBACK_H

#include "base.h"

/* ---- rollback ---------------------------------------------------------- */

/* Everything setup creates outside the child is pushed here next to the code
 * that creates it; vb_rollback_unwind() undoes in reverse order. */
typedef void (*vb_undo_fn)(void *data);
struct vb_undo {
	vb_undo_fn fn;
	void *data; /* freed with free() after fn ran, when owned */
	bool owned;
};
struct vb_rollback {
	struct vb_undo *items;
	size_t n, cap;
};
/* Records an undo step.  On -ENOMEM the undo runs at once, so the caller
 * can treat the step as failed and rolled back. */
int vb_rollback_push(struct vb_rollback *rb, vb_undo_fn fn, void *data, bool owned);
void vb_rollback_unwind(struct vb_rollback *rb);

#endif
