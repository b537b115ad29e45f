using System.Globalization;
using System.Runtime.InteropServices;

namespace AttentionLego.Gen.IO;

/// <summary>
/// An exclusive advisory lock (<c>flock(2)</c>) on a file or a folder, held until disposed or until the process dies:
/// the kernel releases it then, so a killed run never leaves a stale lock. Every attnlego run that owns a folder (a
/// cosim case, a regression's <c>--out</c>, a cache entry being built, the parent of a folder <c>generate</c> moves into
/// place) holds one, and a second run that finds it taken waits, picks another folder, or says which process holds it
/// (<see cref="HolderPid"/>, read from <c>/proc/locks</c>).
/// </summary>
/// <remarks>
/// Written against libc because .NET's own <c>FileShare</c> emulation takes a shared lock on every open, so a process
/// could not even read a lock file another one holds, and cannot lock a folder at all. Linux only, as the rest of the
/// toolchain (Verilator, Icarus, Yosys from Debian). A lock on a path that is deleted and made again while a second
/// process waits is detected by comparing inodes after locking (the classic unlink race), and retried.
/// </remarks>
public sealed class FileLock : IDisposable
{
    private int _fd;

    private FileLock(string path, int fd)
    {
        Path = path;
        _fd = fd;
    }

    /// <summary>The locked file or folder.</summary>
    public string Path { get; }

    /// <summary>
    /// Takes the lock on <paramref name="path"/> now, or returns null when another open file holds it. A file is created
    /// when missing (<paramref name="folder"/> false); a folder must exist.
    /// </summary>
    public static FileLock? TryAcquire(string path, bool folder = false)
    {
        var full = System.IO.Path.GetFullPath(path);
        for (var attempt = 0; attempt < 16; attempt++)
        {
            var fd = Native.open(full, (folder ? Native.O_RDONLY | Native.O_DIRECTORY : Native.O_RDWR | Native.O_CREAT) | Native.O_CLOEXEC, 0x1A4 /* 0644 */);
            if (fd < 0)
            {
                throw Native.Error($"cannot open {full} to lock it");
            }

            if (Native.flock(fd, Native.LOCK_EX | Native.LOCK_NB) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                Native.close(fd);
                return errno == Native.EWOULDBLOCK ? null : throw Native.Error($"cannot lock {full}", errno);
            }

            // The path may have been removed (and made again) between open and flock: then the lock is on a ghost.
            if (Native.Inode(fd) is { } mine && Native.Inode(full) == mine)
            {
                return new FileLock(full, fd);
            }

            Native.close(fd);
            if (folder && !Directory.Exists(full))
            {
                throw new IOException($"{full} was removed while it was being locked");
            }
        }

        throw new IOException($"{full} kept being replaced while it was being locked");
    }

    /// <summary>
    /// Waits for the lock, polling every 100 ms; <paramref name="onWait"/> is called once, with the holder's pid (or null
    /// when it cannot be told), before the first wait, so a caller can say what it waits for.
    /// </summary>
    public static async Task<FileLock> AcquireAsync(string path, CancellationToken ct, Action<int?>? onWait = null, bool folder = false)
    {
        var told = false;
        while (true)
        {
            if (TryAcquire(path, folder) is { } taken)
            {
                return taken;
            }

            if (!told)
            {
                told = true;
                onWait?.Invoke(HolderPid(path));
            }

            await Task.Delay(100, ct);
        }
    }

    /// <summary>The pid of the process that holds a lock on <paramref name="path"/>, from <c>/proc/locks</c>; null when none or unknown.</summary>
    public static int? HolderPid(string path)
    {
        if (Native.Identity(System.IO.Path.GetFullPath(path)) is not { } identity)
        {
            return null;
        }

        try
        {
            return HolderPid(File.ReadLines("/proc/locks"), identity.Device, identity.Inode);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The holder of an flock on the file <paramref name="device"/> (<c>st_dev</c>) and <paramref name="inode"/> in the lines
    /// of <c>/proc/locks</c>: "1: FLOCK  ADVISORY  WRITE 12345 fe:00:1234567 0 EOF" (pid, then major:minor:inode, the
    /// numbers of the device in hex). A process blocked waiting for the lock is listed too, as "1: -> FLOCK ...", and holds
    /// nothing; an inode of the same number on another file system is another file.
    /// </summary>
    internal static int? HolderPid(IEnumerable<string> locks, ulong device, ulong inode)
    {
        // st_dev as glibc encodes it (gnu_dev_major, gnu_dev_minor); /proc/locks prints the kernel's MAJOR and MINOR.
        var major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfffUL);
        var minor = (device & 0xff) | ((device >> 12) & ~0xffUL);
        foreach (var line in locks)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var flock = Array.IndexOf(fields, "FLOCK");
            if (flock < 1 || fields.Length < flock + 5 || fields[flock - 1] == "->")
            {
                continue;
            }

            var id = fields[flock + 4].Split(':');
            if (id.Length == 3
                && ulong.TryParse(id[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var maj) && maj == major
                && ulong.TryParse(id[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var min) && min == minor
                && ulong.TryParse(id[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ino) && ino == inode
                && int.TryParse(fields[flock + 3], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                return pid;
            }
        }

        return null;
    }

    /// <summary>"pid N" or "another process", for messages.</summary>
    public static string DescribeHolder(int? pid) => pid is { } p ? $"pid {p}" : "another process";

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Native.close(fd);
        }
    }

    private static class Native
    {
        public const int O_RDONLY = 0;
        public const int O_RDWR = 2;
        public const int O_CREAT = 0x40;
        public const int O_DIRECTORY = 0x10000;
        public const int O_CLOEXEC = 0x80000;
        public const int LOCK_EX = 2;
        public const int LOCK_NB = 4;
        public const int EWOULDBLOCK = 11;

        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

        [DllImport("libc", SetLastError = true)]
        public static extern int flock(int fd, int operation);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);

        [DllImport("libc", SetLastError = true)]
        private static extern int fstat(int fd, byte[] buffer);

        [DllImport("libc", SetLastError = true)]
        private static extern int stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);

        // struct stat starts with st_dev and st_ino (8 bytes each) on x86_64 and aarch64 glibc; 256 bytes hold all of it.
        public static ulong? Inode(int fd)
        {
            var buffer = new byte[256];
            return fstat(fd, buffer) == 0 ? BitConverter.ToUInt64(buffer, 8) : null;
        }

        public static ulong? Inode(string path) => Identity(path)?.Inode;

        /// <summary>st_dev and st_ino of <paramref name="path"/>, from one stat.</summary>
        public static (ulong Device, ulong Inode)? Identity(string path)
        {
            var buffer = new byte[256];
            return stat(path, buffer) == 0 ? (BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, 8)) : null;
        }

        public static IOException Error(string what, int? errno = null)
        {
            var code = errno ?? Marshal.GetLastPInvokeError();
            return new IOException($"{what}: {Marshal.GetPInvokeErrorMessage(code)}");
        }
    }
}
