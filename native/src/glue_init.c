/* JVM binding and thread attachment for the trampoline. */
#define _GNU_SOURCE /* pthread_getname_np */
#include <jni.h>
#include <pthread.h>
#include <string.h>

#include "gdtls_glue.h"
#include "glue_internal.h"

#define DISPATCHER_CLASS "org/gdtls/internal/glue/CallbackDispatcher"

static JavaVM *vm;
static jclass dispatcher;   /* global ref, held for the life of the process */
static jmethodID dispatch;  /* static long dispatch(int, long, long, long, long) */
static pthread_key_t detach_key;

/* pthread key destructor: a native thread we attached is detached when it ends, never per call. */
static void detach_thread(void *unused)
{
  (*vm)->DetachCurrentThread(vm);
}

GDTLS_EXPORT int gdtls_glue_init(void *java_vm)
{
  JNIEnv *env = NULL;
  if (dispatch != NULL)
    return GDTLS_GLUE_OK;
  vm = (JavaVM *) java_vm;
  if (vm == NULL || (*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_1_8) != JNI_OK)
    return GDTLS_GLUE_NO_ENV;

  /* Called from a native method of the generated class, so FindClass uses that class's loader. */
  jclass local = (*env)->FindClass(env, DISPATCHER_CLASS);
  if (local == NULL) {
    (*env)->ExceptionClear(env);
    return GDTLS_GLUE_NO_DISPATCHER;
  }
  jmethodID mid = (*env)->GetStaticMethodID(env, local, "dispatch", "(IJJJJ)J");
  if (mid == NULL) {
    (*env)->ExceptionClear(env);
    (*env)->DeleteLocalRef(env, local);
    return GDTLS_GLUE_NO_DISPATCHER;
  }
  pthread_key_create(&detach_key, detach_thread);
  dispatcher = (*env)->NewGlobalRef(env, local);
  (*env)->DeleteLocalRef(env, local);
  dispatch = mid;
  return GDTLS_GLUE_OK;
}

/* The JNIEnv of this thread; a thread GLib started (worker, handshake thread) is attached as a daemon. */
JNIEnv *gdtls_current_env(void)
{
  JNIEnv *env = NULL;
  if (vm == NULL)
    return NULL;
  jint rc = (*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_1_8);
  if (rc == JNI_OK)
    return env;
  if (rc != JNI_EDETACHED)
    return NULL;

  char name[16] = "";
  char java_name[48];
  pthread_getname_np(pthread_self(), name, sizeof name);
  g_snprintf(java_name, sizeof java_name, "gdtls-native-%s", name);
  JavaVMAttachArgs args = { JNI_VERSION_1_8, java_name, NULL };
  if ((*vm)->AttachCurrentThreadAsDaemon(vm, (void **) &env, &args) != JNI_OK)
    return NULL;
  pthread_setspecific(detach_key, vm);
  return env;
}

gint64 gdtls_call_java(int kind, gint64 handle, gint64 a0, gint64 a1, gint64 a2)
{
  if (dispatch == NULL) {
    g_critical("gdtls: callback %d before gdtls_glue_init", kind);
    return 0;
  }
  JNIEnv *env = gdtls_current_env();
  if (env == NULL) {
    g_critical("gdtls: cannot attach thread to the JVM for callback %d", kind);
    return 0;
  }
  jlong result = (*env)->CallStaticLongMethod(env, dispatcher, dispatch, (jint) kind, (jlong) handle,
                                              (jlong) a0, (jlong) a1, (jlong) a2);
  /* dispatch() catches everything itself; this only stops an Error thrown from its own handler unwinding into C. */
  if ((*env)->ExceptionCheck(env)) {
    (*env)->ExceptionDescribe(env);
    return 0;
  }
  return result;
}
