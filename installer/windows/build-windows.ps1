# Builds the Windows bundle (PyInstaller, installer/passeur.spec) and its per-user setup (Inno Setup).
# NOT RUN in this repository: no Windows machine was available. See README.md next to this file.
#
#   powershell -ExecutionPolicy Bypass -File installer\windows\build-windows.ps1 [-NoModel]

param([switch]$NoModel)

$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root

function Invoke-Checked {
    param([string]$Exe, [string[]]$Arguments)
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "failed ($LASTEXITCODE): $Exe $($Arguments -join ' ')" }
}

$Py = ".venv\Scripts\python.exe"
if (-not (Test-Path $Py)) { Invoke-Checked "py" @("-3.11", "-m", "venv", ".venv") }
Invoke-Checked $Py @("-m", "pip", "install", "--upgrade", "pip")

# llama.cpp compiled without tuning for this machine's CPU: the bundle runs on any AVX2 PC.
$env:CMAKE_ARGS = "-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF"
$Llama = & $Py -c "import tomllib; d = tomllib.load(open('pyproject.toml', 'rb')); print(next(x for x in d['project']['dependencies'] if x.startswith('llama-cpp-python')))"
if ($LASTEXITCODE -ne 0) { throw "cannot read the llama-cpp-python pin from pyproject.toml" }
Invoke-Checked $Py @("-m", "pip", "install", "--no-cache-dir", "--no-binary", "llama-cpp-python", $Llama)
Invoke-Checked $Py @("-m", "pip", "install", "-e", ".")
Invoke-Checked $Py @("-m", "pip", "install", "pyinstaller==6.22.3")

$env:PASSEUR_BUNDLE_MODEL = ""
if (-not $NoModel) {
    Invoke-Checked ".venv\Scripts\passeur.exe" @("model", "install")
    $env:PASSEUR_BUNDLE_MODEL = & $Py -c "from indexer.llm import model_files; print(model_files.verified())"
    if ($LASTEXITCODE -ne 0) { throw "embedded model not verified" }
}
$env:PASSEUR_LLAMA_DIR = ""

Invoke-Checked $Py @("-m", "PyInstaller", "--noconfirm", "--distpath", "installer\dist",
                     "--workpath", "installer\build\pyinstaller", "installer\passeur.spec")
Invoke-Checked "installer\dist\passeur\passeur.exe" @("--help")
if (-not $NoModel) { Invoke-Checked "installer\dist\passeur\passeur.exe" @("model", "status") }
Remove-Item "installer\dist\passeur\_internal\models\*.verified" -ErrorAction SilentlyContinue

$Version = & $Py -c "import indexer; print(indexer.__version__)"
$Iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"
Invoke-Checked $Iscc @("/DAppVersion=$Version", "installer\windows\passeur.iss")
Get-ChildItem installer\dist\*.exe | Format-Table Name, Length
