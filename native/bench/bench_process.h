/*
 * What the soak and the S7 memory baseline read of this process (as org.gdtls.ProcessProbe on the Java side):
 * descriptors, threads and RSS from /proc/self, and the bytes glibc malloc has in use.
 */
#ifndef GDTLS_BENCH_PROCESS_H
#define GDTLS_BENCH_PROCESS_H

#include <dirent.h>
#include <glib.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The number after `key` ("VmRSS:", "Threads:") in /proc/self/status; -1 if absent. */
static inline long bench_status_value(const char *key)
{
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long value = -1;
  size_t n = strlen(key);
  while (f != NULL && fgets(line, sizeof line, f) != NULL)
    if (strncmp(line, key, n) == 0)
      value = atol(line + n);
  if (f != NULL)
    fclose(f);
  return value;
}

static inline long bench_rss_kb(void)
{
  return bench_status_value("VmRSS:");
}

/* Every thread of the process. */
static inline long bench_threads(void)
{
  return bench_status_value("Threads:");
}

static inline long bench_fds(void)
{
  DIR *dir = opendir("/proc/self/fd");
  long n = -1; /* less the descriptor of the listing itself */
  struct dirent *entry;
  while (dir != NULL && (entry = readdir(dir)) != NULL)
    if (entry->d_name[0] != '.')
      n++;
  if (dir != NULL)
    closedir(dir);
  return n;
}

static inline long long bench_malloc_summary_value(const char *summary, const char *prefix)
{
  const char *at = strstr(summary, prefix);
  const char *size = at == NULL ? NULL : strstr(at, "size=\"");
  return size == NULL ? -1 : atoll(size + 6);
}

/* Bytes glibc malloc handed out and did not get back, over all arenas (as MemoryCycles computes it): the memory
 * the arenas got from the system, less the free chunks they keep, plus the blocks mapped one by one. */
static inline long long bench_malloc_in_use(void)
{
  char *text = NULL;
  size_t length = 0;
  FILE *stream = open_memstream(&text, &length);
  malloc_info(0, stream);
  fclose(stream);
  const char *summary = g_strrstr(text, "</heap>"); /* the totals follow the last arena */
  long long in_use = -1;
  if (summary != NULL)
    in_use = bench_malloc_summary_value(summary, "<system type=\"current\"")
             - bench_malloc_summary_value(summary, "<total type=\"fast\"")
             - bench_malloc_summary_value(summary, "<total type=\"rest\"")
             + bench_malloc_summary_value(summary, "<total type=\"mmap\"");
  free(text);
  return in_use;
}

#endif
