using System.Runtime.InteropServices;
using AttentionLego.Cli;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Cli;

/// <summary>Hostile cases of issue 16: SIGINT and SIGTERM: every command stops within 2 s, kills its children, leaves nothing partial.</summary>
public static partial class HostileCases
{
    public static void Signals(HostileCatalogueBuilder b)
    {
        b.Add("accuracy", "signal-accuracy-sigint", "SIGINT 1 s into `accuracy --preset paper-exact --tokens 1024`", ExitCodes.Interrupted,
            "interrupted: attnlego accuracy stopped on SIGINT", "(exit 130)", _ => ["accuracy", "--preset", "paper-exact", "--tokens", "1024"],
            process: new ProcessOptions { Signal = PosixSignal.SIGINT, After = TimeSpan.FromSeconds(1) });
    }
}
