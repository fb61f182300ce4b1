namespace Nanogate.Media;

/// <summary>Why the media store refused an image's bytes (see <see cref="MediaStoreException"/>).</summary>
internal enum MediaStoreFailure
{
    /// <summary>No room: the folder's file system is full or over its quota (ENOSPC, EDQUOT), or <c>Media:MaxBytes</c> is reached. Answered 507.</summary>
    Full,

    /// <summary>The store cannot be written: a read-only or inaccessible folder, an unreachable or refusing bucket. Answered 503.</summary>
    Unavailable,
}
