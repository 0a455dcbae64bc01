/* default_corpus.c: lets a libFuzzer target find its seed corpus when no corpus directory is named. */
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);

#define WN_FUZZ_MAX_ARGS 64

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static char *args[WN_FUZZ_MAX_ARGS + 2];
    int have_corpus = 0;
    for (int i = 1; i < *argc; i++)
        if ((*argv)[i][0] != '-')
            have_corpus = 1;
    if (have_corpus || *argc > WN_FUZZ_MAX_ARGS)
        return 0;
    for (int i = 0; i < *argc; i++)
        args[i] = (*argv)[i];
    args[*argc] = (char *)WN_FUZZ_CORPUS;
    args[*argc + 1] = NULL;
    *argc += 1;
    *argv = args;
    return 0;
}
