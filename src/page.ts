/**
 * Xen's 4 KiB page: the unit every shared ring of the guest ABI occupies (the xenstore
 * interface page, the vm_event ring pages), whatever the arch's PAGE_SHIFT for RAM.
 */
export const PAGE_SIZE = 4096;
