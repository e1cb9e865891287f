/* GLib's structured log writer, routed to Java's System.Logger (org.gdtls.internal.glue.GLibLogWriter). */
#include <jni.h>
#include <string.h>

#include "gdtls_glue.h"
#include "glue_internal.h"

#define WRITER_CLASS "org/gdtls/internal/glue/GLibLogWriter"
/* static boolean write(int level, byte[] domain, byte[] message, byte[] file, byte[] line, byte[] func) */
#define WRITER_SIGNATURE "(I[B[B[B[B[B)Z"

static jclass writer_class; /* global ref, held for the life of the process */
static jmethodID write_method;
/* g_log_set_writer_func aborts the process when called a second time, so it is called at most once. */
static gint installed;
static gint java_stopped;
/* g_log_set_always_fatal's mask (G_DEBUG=fatal-warnings/-criticals) when we installed: GLib leaves enforcing it
 * to a custom writer, and the default writer does it, so such messages go through the default writer too. */
static GLogLevelFlags always_fatal;

/*
 * A Java byte[] with the field's bytes, or NULL for an absent field. GLib messages are UTF-8 but may hold
 * invalid bytes or 4-byte sequences, which NewStringUTF (modified UTF-8) cannot take: Java decodes leniently.
 * Returns FALSE if the array could not be made (an exception is then pending).
 */
static gboolean field_bytes(JNIEnv *env, const GLogField *field, jbyteArray *out)
{
  *out = NULL;
  if (field == NULL || field->value == NULL)
    return TRUE;
  gsize length = field->length < 0 ? strlen(field->value) : (gsize) field->length;
  if (length > G_MAXINT32)
    length = G_MAXINT32;
  *out = (*env)->NewByteArray(env, (jsize) length);
  if (*out == NULL)
    return FALSE;
  (*env)->SetByteArrayRegion(env, *out, 0, (jsize) length, (const jbyte *) field->value);
  return !(*env)->ExceptionCheck(env);
}

/* Hands the message to Java. FALSE if Java could not take it: then the caller prints it the default way. */
static gboolean write_to_java(GLogLevelFlags level, const GLogField *domain, const GLogField *message,
                              const GLogField *file, const GLogField *line, const GLogField *func)
{
  if (g_atomic_int_get(&java_stopped))
    return FALSE;
  JNIEnv *env = gdtls_current_env();
  if (env == NULL)
    return FALSE;
  /* A Java thread that logs from native code with an exception pending may not call Java. */
  if ((*env)->ExceptionCheck(env))
    return FALSE;
  /* A frame, so a native thread attached for good does not keep the arrays alive. */
  if ((*env)->PushLocalFrame(env, 5) != JNI_OK) {
    (*env)->ExceptionClear(env);
    return FALSE;
  }
  jbyteArray args[5];
  jboolean handled = JNI_FALSE;
  if (field_bytes(env, domain, &args[0]) && field_bytes(env, message, &args[1]) && field_bytes(env, file, &args[2])
      && field_bytes(env, line, &args[3]) && field_bytes(env, func, &args[4])) {
    handled = (*env)->CallStaticBooleanMethod(env, writer_class, write_method,
                                              (jint) (level & G_LOG_LEVEL_MASK),
                                              args[0], args[1], args[2], args[3], args[4]);
  }
  /* write() catches everything; this stops an Error from its own handler (or an OOM above) reaching GLib. */
  if ((*env)->ExceptionCheck(env)) {
    (*env)->ExceptionClear(env);
    handled = JNI_FALSE;
  }
  (*env)->PopLocalFrame(env, NULL);
  return handled == JNI_TRUE;
}

static const GLogField *find_field(const GLogField *fields, gsize n_fields, const char *key)
{
  for (gsize i = 0; i < n_fields; i++)
    if (strcmp(fields[i].key, key) == 0)
      return &fields[i];
  return NULL;
}

/*
 * GLib calls this on whichever thread logs, with no lock held, and sends any message logged while it runs on
 * the same thread to its own fallback writer (g_log_structured_array's recursion guard). Only GLib's
 * writer helpers are called here, never anything that logs.
 */
static GLogWriterOutput log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                                   gpointer user_data)
{
  const GLogField *domain = find_field(fields, n_fields, "GLIB_DOMAIN");
  const char *domain_name = domain != NULL && domain->length < 0 ? domain->value : NULL;
  /* Debug and info messages cross into Java only when G_MESSAGES_DEBUG would have GLib print them. */
  if (g_log_writer_default_would_drop(level, domain_name))
    return G_LOG_WRITER_HANDLED;

  gboolean handled = write_to_java(level, domain, find_field(fields, n_fields, "MESSAGE"),
                                   find_field(fields, n_fields, "CODE_FILE"),
                                   find_field(fields, n_fields, "CODE_LINE"),
                                   find_field(fields, n_fields, "CODE_FUNC"));
  /* GLib aborts after an ERROR (or an always-fatal) message: print it on stderr as well, since the process is
   * about to die before a Java handler may have flushed. */
  gboolean fatal = (level & (G_LOG_LEVEL_ERROR | G_LOG_FLAG_FATAL | always_fatal)) != 0;
  if (!handled || fatal)
    return g_log_writer_default(level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

GDTLS_EXPORT int gdtls_log_writer_install(void)
{
  if (!g_atomic_int_compare_and_exchange(&installed, 0, 1))
    return GDTLS_LOG_WRITER_ALREADY_INSTALLED;

  JNIEnv *env = gdtls_current_env();
  if (env == NULL) {
    g_atomic_int_set(&installed, 0);
    return GDTLS_GLUE_NO_ENV;
  }
  /* Called from a native method of the generated class, so FindClass uses that class's loader. */
  jclass local = (*env)->FindClass(env, WRITER_CLASS);
  jmethodID mid = local == NULL ? NULL : (*env)->GetStaticMethodID(env, local, "write", WRITER_SIGNATURE);
  if (mid == NULL) {
    (*env)->ExceptionClear(env);
    if (local != NULL)
      (*env)->DeleteLocalRef(env, local);
    g_atomic_int_set(&installed, 0);
    return GDTLS_GLUE_NO_DISPATCHER;
  }
  writer_class = (*env)->NewGlobalRef(env, local);
  (*env)->DeleteLocalRef(env, local);
  write_method = mid;

  /* GLib has no getter for the mask: set it and put it back (g_log_set_always_fatal keeps ERROR in any mask). */
  always_fatal = g_log_set_always_fatal(G_LOG_FATAL_MASK);
  g_log_set_always_fatal(always_fatal);

  g_log_set_writer_func(log_writer, NULL, NULL);
  return GDTLS_LOG_WRITER_INSTALLED;
}

GDTLS_EXPORT void gdtls_log_writer_stop_java(void)
{
  g_atomic_int_set(&java_stopped, 1);
}

typedef struct {
  char *domain;
  GLogLevelFlags level;
  char *message;
} TestMessage;

static gpointer emit_test_message(gpointer data)
{
  TestMessage *m = data;
  g_log_structured(m->domain, m->level, "CODE_FILE", __FILE__, "CODE_LINE", G_STRINGIFY(__LINE__),
                   "CODE_FUNC", G_STRFUNC, "MESSAGE", "%s", m->message);
  return NULL;
}

GDTLS_EXPORT void gdtls_test_log(const char *domain, int level, const char *message, int on_new_thread)
{
  if ((level & G_LOG_LEVEL_ERROR) != 0 || message == NULL)
    return;
  TestMessage m = { (char *) domain, (GLogLevelFlags) level, (char *) message };
  if (on_new_thread)
    g_thread_join(g_thread_new("gdtls-log-test", emit_test_message, &m));
  else
    emit_test_message(&m);
}
