#ifndef GDTLS_GLUE_INTERNAL_H
#define GDTLS_GLUE_INTERNAL_H

#include <glib.h>
#include <jni.h>

/* This thread's JNIEnv, attaching a native thread as a daemon (detached when it ends); NULL if the JVM is not
 * bound yet or refuses the attachment (e.g. it is being destroyed). */
JNIEnv *gdtls_current_env(void);

/* Calls CallbackDispatcher.dispatch(kind, handle, a0, a1, a2) on the current thread (attached if needed).
 * Returns 0 if Java could not be reached or threw. */
gint64 gdtls_call_java(int kind, gint64 handle, gint64 a0, gint64 a1, gint64 a2);

#define GDTLS_EXPORT __attribute__((visibility("default")))

#endif
