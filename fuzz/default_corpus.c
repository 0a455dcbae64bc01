/* default_corpus.c: lets a libFuzzer target run with no arguments by adding its seed corpus dir. */
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static char *args[64];
    if (*argc == 1 && *argc < 63) {
        args[0] = (*argv)[0];
        args[1] = (char *)WN_FUZZ_CORPUS;
        args[2] = NULL;
        *argc = 2;
        *argv = args;
    }
    return 0;
}
