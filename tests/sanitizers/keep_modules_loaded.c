/* Linked into the executables of the sanitize build only (RANKPOOL_SANITIZE).
 *
 * MPI_Finalize dlcloses Open MPI's MCA components (mca_*.so), so when LeakSanitizer runs at exit
 * the allocations they left behind point into unmapped code. Matching those thousands of stacks
 * against tests/sanitizers/lsan.supp then re-reads /proc/self/maps for every unknown frame: about
 * 1 s per process, most of the sanitized test suite's time. Open MPI 4.1 has no switch to keep
 * its components loaded; an executable's own dlclose takes precedence over libc's for every
 * library, so this one keeps them. Leak reports then also name the components' frames. */
int dlclose(void* handle) {
    (void)handle;
    return 0;
}
